using Micrograd.Expressions.Calculus;

namespace Micrograd.Expressions.Playground.Model;

/// <summary>
/// The tier the page runs the engine with. WebAssembly has no JIT, and the engine's compiled tier
/// (FastExpressionCompiler's IL emission) does not run on its runtime, so every formula is read with
/// <see cref="FormulaOptions.MaxCompiledNodes"/> 0: <see cref="Formula.Evaluate(double[])"/> then always walks the
/// tree. The seed's sweep and <c>mgx check</c>'s verdict are the engine's (<see cref="FiniteDifferences"/> with its
/// artifact detection, <see cref="DerivativeCheckRow"/> with its verdict), over that interpreter.
/// </summary>
public static class Interpreted
{
    /// <summary>The options every formula of the page is read with.</summary>
    public static FormulaOptions Options { get; } = new() { MaxCompiledNodes = 0 };

    /// <summary>The finite difference by the plotted parameter at steps 1e-1 ... 1e-16 (<see cref="DerivativeChecker.Sweep"/>'s rows).</summary>
    /// <param name="point">The formula and the point.</param>
    /// <param name="method">The difference.</param>
    /// <returns>Sixteen rows, largest step first.</returns>
    public static IReadOnlyList<SweepRow> Sweep(PointView point, DifferenceMethod method)
    {
        var symbolic = point.Formula.Derivative(point.Variable).Evaluate(point.Values);
        return [.. Enumerable.Range(1, 16).Select(k =>
        {
            var h = double.Parse($"1e-{k}", System.Globalization.CultureInfo.InvariantCulture);
            return new SweepRow(h, FiniteDifferences.Partial(point.Formula.Evaluate, point.Values, point.Index, method, h), symbolic);
        })];
    }

    /// <summary>Every partial derivative at the point against central differences, with the tolerance of <see cref="DerivativeChecker.Check"/>.</summary>
    /// <param name="point">The formula and the point.</param>
    /// <returns>One row per parameter.</returns>
    public static DerivativeCheckResult Check(PointView point)
    {
        var rows = point.Formula.Parameters.Select((name, i) =>
        {
            var derivative = point.Formula.Derivative(name);
            var symbolic = derivative.Evaluate(point.Values);
            var numeric = FiniteDifferences.Partial(point.Formula.Evaluate, point.Values, i);
            var tolerance = (DerivativeChecker.ErrorFactor * numeric.Error) + (DerivativeChecker.RelativeFloor * Math.Max(1, Math.Abs(symbolic)));
            return new DerivativeCheckRow(name, point.Values[i], derivative.ToString(), symbolic, numeric, tolerance);
        }).ToList();
        return new DerivativeCheckResult(rows);
    }
}
