using Micrograd.Expressions.Calculus;

namespace Micrograd.Expressions.Playground.Model;

/// <summary>
/// The engine as the page runs it. In a browser the engine generates no code: every operation, compiled ones
/// included, runs its own evaluator (a program of instructions, docs/embedding.md), so the page calls the public API
/// as any app would, with the default limits. The seed's sweep and <c>mgx check</c>'s verdict are the engine's own
/// (<see cref="DerivativeChecker.Sweep"/> and <see cref="DerivativeChecker.Check"/>).
/// </summary>
public static class Engine
{
    /// <summary>The options every formula of the page is read with: the engine's defaults.</summary>
    public static FormulaOptions Options => FormulaOptions.Default;

    /// <summary>The finite difference by the plotted parameter at steps 1e-1 ... 1e-16 (<see cref="DerivativeChecker.Sweep"/>'s rows).</summary>
    /// <param name="point">The formula and the point.</param>
    /// <param name="method">The difference.</param>
    /// <returns>Sixteen rows, largest step first.</returns>
    public static IReadOnlyList<SweepRow> Sweep(PointView point, DifferenceMethod method) =>
        DerivativeChecker.Sweep(point.Formula, point.At, point.Variable, method);

    /// <summary>Every partial derivative at the point against central differences (<see cref="DerivativeChecker.Check"/>).</summary>
    /// <param name="point">The formula and the point.</param>
    /// <returns>One row per parameter.</returns>
    public static DerivativeCheckResult Check(PointView point) => DerivativeChecker.Check(point.Formula, point.At);
}
