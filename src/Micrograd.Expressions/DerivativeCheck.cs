using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions.Calculus;

/// <summary>One variable of a derivative check: the symbolic derivative against the finite difference.</summary>
/// <param name="Variable">The parameter.</param>
/// <param name="Point">Its value at the check point.</param>
/// <param name="Derivative">The symbolic derivative as formula text.</param>
/// <param name="Symbolic">The symbolic derivative's value.</param>
/// <param name="Numeric">The finite difference with its error estimate and any artifact.</param>
/// <param name="Tolerance">The absolute tolerance the verdict used.</param>
public sealed record DerivativeCheckRow(string Variable, double Point, string Derivative, double Symbolic, NumericDerivative Numeric, double Tolerance)
{
    /// <summary>|symbolic - numeric|.</summary>
    public double AbsoluteError => Math.Abs(Symbolic - Numeric.Value);

    /// <summary>|symbolic - numeric| / max(|symbolic|, |numeric|), or 0 when both are 0.</summary>
    public double RelativeError
    {
        get
        {
            var scale = Math.Max(Math.Abs(Symbolic), Math.Abs(Numeric.Value));
            return scale == 0 ? 0 : AbsoluteError / scale;
        }
    }

    /// <summary>True when the finite difference is a slope (no artifact) and agrees within <see cref="Tolerance"/>.</summary>
    public bool Ok => Numeric.IsReliable && AbsoluteError <= Tolerance;

    /// <summary>The whole point, in parameter order, when the row comes from a scan; else null.</summary>
    public IReadOnlyList<double>? At { get; init; }

    /// <summary>"ok", "MISMATCH" or "artifact: ..." for tables.</summary>
    public string Verdict => Numeric.Artifact is { } artifact ? $"artifact: {artifact}" : Ok ? "ok" : "MISMATCH";
}

/// <summary>The result of checking every partial derivative of a formula at one point.</summary>
/// <param name="Rows">One row per parameter, in parameter order.</param>
public sealed record DerivativeCheckResult(IReadOnlyList<DerivativeCheckRow> Rows)
{
    /// <summary>True when every row is <see cref="DerivativeCheckRow.Ok"/>.</summary>
    public bool Ok => Rows.All(r => r.Ok);
}

/// <summary>One step of a step-size sweep.</summary>
/// <param name="Step">The step h.</param>
/// <param name="Numeric">The finite difference at that step.</param>
/// <param name="Symbolic">The symbolic derivative, for the error column.</param>
public sealed record SweepRow(double Step, NumericDerivative Numeric, double Symbolic)
{
    /// <summary>|numeric - symbolic|.</summary>
    public double AbsoluteError => Math.Abs(Numeric.Value - Symbolic);
}

/// <summary>
/// Compares symbolic derivatives with finite differences. The verdict rule: a row is ok when the finite
/// difference is not a precision artifact and |symbolic - numeric| ≤ 4·error + 1e-9·max(1, |symbolic|), where
/// error is the finite difference's own error estimate (truncation plus rounding, or Richardson's).
/// </summary>
public static class DerivativeChecker
{
    /// <summary>How many error estimates of slack the verdict allows.</summary>
    internal const double ErrorFactor = 4;

    /// <summary>The relative floor of the tolerance, for estimates that came out as zero.</summary>
    internal const double RelativeFloor = 1e-9;

    /// <summary>Checks every partial derivative of <paramref name="formula"/> at a point.</summary>
    /// <param name="formula">The formula.</param>
    /// <param name="at">A value for every parameter.</param>
    /// <param name="method">The finite-difference method.</param>
    /// <param name="h">The step; the method's default step when null.</param>
    /// <returns>One row per parameter.</returns>
    public static DerivativeCheckResult Check(Formula formula, IReadOnlyDictionary<string, double> at,
        DifferenceMethod method = DifferenceMethod.Central, double? h = null)
    {
        ArgumentNullException.ThrowIfNull(formula);
        var point = Arguments.Bind(formula.Parameters, at);
        var f = formula.Compile();
        var rows = formula.Parameters.Select((name, i) =>
        {
            var derivative = formula.Derivative(name);
            var symbolic = derivative.Evaluate(point);
            var numeric = FiniteDifferences.Partial(f, point, i, method, h);
            var tolerance = (ErrorFactor * numeric.Error) + (RelativeFloor * Math.Max(1, Math.Abs(symbolic)));
            return new DerivativeCheckRow(name, point[i], derivative.ToString(), symbolic, numeric, tolerance);
        }).ToList();
        return new DerivativeCheckResult(rows);
    }

    /// <summary>
    /// Checks <paramref name="points"/> random points drawn uniformly from a box and returns the rows with
    /// the largest relative errors first (mismatches before artifacts before agreements).
    /// </summary>
    /// <param name="formula">The formula.</param>
    /// <param name="box">For every parameter, the interval to draw from.</param>
    /// <param name="points">How many points.</param>
    /// <param name="seed">The random seed, so a scan can be repeated.</param>
    /// <param name="method">The finite-difference method.</param>
    /// <param name="progress">Told after each point, with the number done.</param>
    /// <returns>Every row of every point, worst first.</returns>
    /// <exception cref="FormulaException">Kind <see cref="FormulaErrorKind.Limit"/>: more points than
    /// <see cref="FormulaOptions.MaxScanPoints"/>, or more work than <see cref="FormulaOptions.MaxScanWork"/>, refused
    /// before any point is checked; kind <see cref="FormulaErrorKind.Name"/>: a parameter without an interval.</exception>
    public static IReadOnlyList<DerivativeCheckRow> Scan(Formula formula, IReadOnlyDictionary<string, (double Min, double Max)> box,
        int points, int seed = 1, DifferenceMethod method = DifferenceMethod.Richardson, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(formula);
        ArgumentNullException.ThrowIfNull(box);
        ArgumentOutOfRangeException.ThrowIfNegative(points);
        if (points > formula.Options.MaxScanPoints)
        {
            throw new FormulaException(FormulaErrorKind.Limit,
                $"a scan of {points} points exceeds the limit (FormulaOptions.MaxScanPoints) of {formula.Options.MaxScanPoints}");
        }

        var missing = formula.Parameters.Where(p => !box.ContainsKey(p)).ToList();
        if (missing.Count > 0)
        {
            throw new FormulaException(FormulaErrorKind.Name, $"no interval for parameter {string.Join(", ", missing.Select(m => $"`{m}`"))}");
        }

        var derivatives = formula.Parameters.Select(p => formula.Derivative(p)).Select(d => (Formula: d, Text: d.ToString())).ToList();

        // the work, counted before any point is checked: each walk stops where the budget is spent
        var calls = (long)points * formula.Parameters.Count * (method == DifferenceMethod.Richardson ? 6 : 3);
        var budget = formula.Options.MaxScanWork;
        var work = (double)calls * Size(formula, budget / Math.Max(1, calls))
            + (points * derivatives.Sum(d => (double)Size(d.Formula, budget / Math.Max(1, points))));
        if (work > budget)
        {
            throw new FormulaException(FormulaErrorKind.Limit,
                $"a scan of {points} points of this formula takes more than {budget:N0} node evaluations, the limit (FormulaOptions.MaxScanWork); scan fewer points");
        }

        // compiling pays when the formula is evaluated often; a few evaluations of a large one are interpreted
        Func<double[], double> f = calls >= ScanCompileCalls && formula.IsCompilable ? formula.Compile() : at => formula.Evaluate(at);
        var random = new Random(seed);
        var rows = new List<DerivativeCheckRow>();
        for (var n = 0; n < points; n++)
        {
            var point = formula.Parameters.Select(p => box[p].Min + (random.NextDouble() * (box[p].Max - box[p].Min))).ToArray();
            for (var i = 0; i < point.Length; i++)
            {
                var symbolic = derivatives[i].Formula.Evaluate(point);
                var numeric = FiniteDifferences.Partial(f, point, i, method);
                var tolerance = (ErrorFactor * numeric.Error) + (RelativeFloor * Math.Max(1, Math.Abs(symbolic)));
                rows.Add(new DerivativeCheckRow(formula.Parameters[i], point[i], derivatives[i].Text, symbolic, numeric, tolerance) { At = point });
            }

            progress?.Report(n + 1);
        }

        return [.. rows.OrderBy(r => r.Ok ? 2 : r.Numeric.IsReliable ? 0 : 1).ThenByDescending(r => double.IsNaN(r.RelativeError) ? double.MaxValue : r.RelativeError)];
    }

    // evaluations of the formula from which a scan compiles it rather than interpreting each
    private const long ScanCompileCalls = 1_000;

    // the nodes of a formula as evaluation walks them (a shared subtree at each use), counted up to cap + 1
    private static long Size(Formula formula, long cap) =>
        Syntax.Nodes.Walk(formula.Core, distinct: false).Take((int)Math.Min(int.MaxValue - 1, cap) + 1).LongCount();

    /// <summary>
    /// The finite difference for one parameter at steps 1e-1, 1e-2, ..., 1e-16: the error first shrinks with h,
    /// then grows as rounding takes over, until x + h rounds back to x and the difference is exactly 0.0.
    /// </summary>
    /// <param name="formula">The formula.</param>
    /// <param name="at">A value for every parameter.</param>
    /// <param name="variable">The parameter to bump.</param>
    /// <param name="method">The finite-difference method (forward, as in the seed, by default).</param>
    /// <returns>Sixteen rows, largest step first.</returns>
    public static IReadOnlyList<SweepRow> Sweep(Formula formula, IReadOnlyDictionary<string, double> at, string variable,
        DifferenceMethod method = DifferenceMethod.Forward)
    {
        ArgumentNullException.ThrowIfNull(formula);
        var point = Arguments.Bind(formula.Parameters, at);
        var index = Arguments.IndexOf(formula.Parameters, variable);
        var f = formula.Compile();
        var symbolic = formula.Derivative(variable).Evaluate(point);
        return [.. Enumerable.Range(1, 16).Select(k =>
        {
            var h = double.Parse($"1e-{k}", System.Globalization.CultureInfo.InvariantCulture);
            return new SweepRow(h, FiniteDifferences.Partial(f, point, index, method, h), symbolic);
        })];
    }
}
