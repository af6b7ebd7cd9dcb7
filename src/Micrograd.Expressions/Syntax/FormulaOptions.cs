namespace Micrograd.Expressions;

/// <summary>
/// Limits that keep hostile or accidental input from exhausting memory or the stack. Exceeding one raises an
/// exception of kind <see cref="FormulaErrorKind.Limit"/> whose message names the limit (<c>FormulaOptions.MaxDepth</c>):
/// while text is read (<see cref="MaxLength"/>, <see cref="MaxDepth"/>, <see cref="MaxNodes"/>, and
/// <see cref="MaxResultNodes"/> while local functions are written out) it is a <see cref="FormulaSyntaxException"/>
/// with the line and column; in an operation on a formula read already (compiling, differentiating, printing,
/// scanning) it is a <see cref="FormulaException"/>, the base class, so <c>catch (FormulaException)</c> takes both.
/// </summary>
public sealed record FormulaOptions
{
    /// <summary>
    /// The defaults: 1,000,000 characters, nesting depth 1,000, 100,000 nodes, 50,000 compiled nodes, order 32.
    /// Within them every operation on any formula finishes in seconds and bounded memory (docs/security.md has
    /// the measured worst cases); raise them for trusted input.
    /// </summary>
    public static FormulaOptions Default { get; } = new();

    /// <summary>The longest formula text accepted, in UTF-16 characters.</summary>
    public int MaxLength { get; init; } = 1_000_000;

    /// <summary>
    /// The deepest nesting accepted: each open parenthesis, function call and power operator counts one level.
    /// </summary>
    public int MaxDepth { get; init; } = 1_000;

    /// <summary>The most syntax-tree nodes a formula may have: 100,000.</summary>
    public int MaxNodes { get; init; } = 100_000;

    /// <summary>
    /// The most nodes a formula may have for the operations that compile it: <see cref="Formula.Compile()"/>,
    /// <c>Compile&lt;TDelegate&gt;</c>, <c>EvaluateBatch</c>, <see cref="Formula.CompileGradient"/> and
    /// <see cref="Formula.Backpropagate"/>: 50,000 (a let-bound value counts once, a subtree shared by reference
    /// at each use). Past it they are refused with kind <see cref="FormulaErrorKind.Limit"/>, because
    /// compiled code costs far more per node than interpretation; <see cref="Formula.Evaluate(double[])"/>
    /// interprets such formulas instead, in time linear in their size.
    /// </summary>
    public int MaxCompiledNodes { get; init; } = 50_000;

    /// <summary>
    /// The highest order of derivative <see cref="Formula.Derivative(string, int)"/> computes: 32. Orders above
    /// are refused with kind <see cref="FormulaErrorKind.Limit"/> (a derivative that becomes 0 stops early).
    /// </summary>
    public int MaxOrder { get; init; } = 32;

    /// <summary>
    /// The most distinct nodes a computed formula (a derivative, a simplification) may have: 1,000,000. A result
    /// that grows past it is refused with kind <see cref="FormulaErrorKind.Limit"/> (checked after each
    /// order of a derivative) instead of exhausting memory in the next step.
    /// </summary>
    public int MaxResultNodes { get; init; } = 1_000_000;

    /// <summary>
    /// The most work one <see cref="Formula.Derivative(string, int)"/> or <see cref="Formula.Simplify"/> may do,
    /// measured as the bytes it allocates: 1 GiB, about 2 to 8 seconds of one core on the 2-core machine of
    /// docs/security.md. High orders swell threefold or more per order, so a derivative that would run past it
    /// is stopped with kind <see cref="FormulaErrorKind.Limit"/> while it runs, not after.
    /// </summary>
    public long MaxSymbolicBytes { get; init; } = 1L << 30;

    /// <summary>
    /// The longest text <see cref="Formula.ToString(string?, IFormatProvider?)"/> writes, in characters: 20,000,000.
    /// The C#, LaTeX and Dynamic LINQ dialects write a let-bound value at every use, so their text can be
    /// exponentially longer than the formula; past this budget they are refused with kind
    /// <see cref="FormulaErrorKind.Limit"/> before any text is built.
    /// </summary>
    public int MaxOutputLength { get; init; } = 20_000_000;

    /// <summary>
    /// The most cores <c>EvaluateBatch</c> uses: -1 (the default) for every core of the machine, 1 for one.
    /// Each core takes at least 65,536 points, so smaller batches run on one core whatever this says.
    /// </summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>
    /// From how many nodes the compiled tiers (<see cref="Formula.Compile()"/>, <c>Compile&lt;TDelegate&gt;</c> and
    /// <see cref="Formula.CompileGradient"/>) write long runs of repeated shapes as loops over a table instead of
    /// straight-line code: 20,000 (never below 3,000). Such a loop costs the JIT next to nothing, so a million-term sum
    /// compiles in about a second instead of many; but a call runs about twice as long as straight-line code. Same
    /// bits either way. <see cref="int.MaxValue"/> never rerolls (for a formula compiled once and called very often).
    /// </summary>
    public int RerollNodes { get; init; } = 20_000;

    /// <summary>The most random points one derivative scan (<c>mgx check --scan</c>) checks: 100,000.</summary>
    public int MaxScanPoints { get; init; } = 100_000;

    /// <summary>
    /// The most work one derivative scan may take, counted before it starts as node evaluations: per point and
    /// parameter, the derivative's nodes plus the finite difference's evaluations of the formula (3, or 6 for
    /// Richardson) times its nodes: 1,000,000,000, about a second of compiled code. A scan past it is refused
    /// with kind <see cref="FormulaErrorKind.Limit"/>; fewer points or a smaller formula fit.
    /// </summary>
    public long MaxScanWork { get; init; } = 1_000_000_000;
}
