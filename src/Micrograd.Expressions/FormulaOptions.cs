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
}
