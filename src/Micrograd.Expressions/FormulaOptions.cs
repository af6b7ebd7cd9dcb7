namespace Micrograd.Expressions;

/// <summary>
/// Limits that keep hostile or accidental input from exhausting memory or the stack. Exceeding one is a
/// <see cref="Syntax.FormulaSyntaxException"/> of kind <see cref="Syntax.FormulaErrorKind.Limit"/> that names the limit.
/// </summary>
public sealed record FormulaOptions
{
    /// <summary>The defaults: 10,000,000 characters, nesting depth 1,000, 4,000,000 nodes.</summary>
    public static FormulaOptions Default { get; } = new();

    /// <summary>The longest formula text accepted, in UTF-16 characters.</summary>
    public int MaxLength { get; init; } = 10_000_000;

    /// <summary>
    /// The deepest nesting accepted: each open parenthesis, function call and power operator counts one level.
    /// </summary>
    public int MaxDepth { get; init; } = 1_000;

    /// <summary>The most syntax-tree nodes a formula may have.</summary>
    public int MaxNodes { get; init; } = 4_000_000;

    /// <summary>
    /// The highest order of derivative <see cref="Formula.Derivative(string, int)"/> computes: 32. Orders above
    /// are refused with kind <see cref="Syntax.FormulaErrorKind.Limit"/> (a derivative that becomes 0 stops early).
    /// </summary>
    public int MaxOrder { get; init; } = 32;

    /// <summary>
    /// The most distinct nodes a computed formula (a derivative, a simplification) may have: 4,000,000, the same
    /// as <see cref="MaxNodes"/> by default. A result that would grow past it is refused with kind
    /// <see cref="Syntax.FormulaErrorKind.Limit"/> instead of exhausting memory.
    /// </summary>
    public int MaxResultNodes { get; init; } = 4_000_000;

    /// <summary>
    /// The longest text <see cref="Formula.ToString(string?, IFormatProvider?)"/> writes, in characters: 20,000,000.
    /// The C#, LaTeX and Dynamic LINQ dialects write a let-bound value at every use, so their text can be
    /// exponentially longer than the formula; past this budget they are refused with kind
    /// <see cref="Syntax.FormulaErrorKind.Limit"/> before any text is built.
    /// </summary>
    public int MaxOutputLength { get; init; } = 20_000_000;

    /// <summary>The most random points one derivative scan (<c>mgx check --scan</c>) checks: 1,000,000.</summary>
    public int MaxScanPoints { get; init; } = 1_000_000;
}
