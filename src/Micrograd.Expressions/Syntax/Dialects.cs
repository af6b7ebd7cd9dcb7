namespace Micrograd.Expressions.Syntax;

/// <summary>The text forms a formula can be written in.</summary>
public enum Dialect
{
    /// <summary>The formula language itself; parses back to an equal tree.</summary>
    Formula,

    /// <summary>A C# expression over <see cref="Math"/> and the parameter names.</summary>
    CSharp,

    /// <summary>LaTeX math (no surrounding <c>$</c>).</summary>
    LaTeX,

    /// <summary>A string System.Linq.Dynamic.Core's <c>DynamicExpressionParser.ParseLambda</c> accepts.</summary>
    DynamicLinq,

    /// <summary>
    /// A SQL expression over double-quoted column names, with the functions SQLite (3.35+), PostgreSQL (12+)
    /// and DuckDB share and <c>CASE WHEN</c> for conditionals; every number is a <c>DOUBLE PRECISION</c>.
    /// </summary>
    Sql,

    /// <summary>
    /// MathML presentation markup: one <c>&lt;math&gt;</c> element, well-formed XML, which browsers render
    /// natively (for reading, not running; bindings inlined).
    /// </summary>
    MathML,
}

/// <summary>The names of the dialects, as <c>ToString(format)</c>, <c>mgx --format</c> and the batch protocol accept them.</summary>
internal static class Dialects
{
    /// <summary>The names, as listed in messages.</summary>
    public const string Names = "G (formula), C# (csharp), LaTeX, DynamicLinq (dynamic-linq), SQL or MathML";

    /// <summary>Reads a name (case-insensitive; null or empty is the formula language).</summary>
    public static bool TryParse(string? format, out Dialect dialect)
    {
        Dialect? known = format?.Trim().ToUpperInvariant() switch
        {
            null or "" or "G" or "FORMULA" => Dialect.Formula,
            "C#" or "CSHARP" or "CS" => Dialect.CSharp,
            "LATEX" or "TEX" => Dialect.LaTeX,
            "DYNAMICLINQ" or "DYNAMIC-LINQ" or "LINQ" => Dialect.DynamicLinq,
            "SQL" => Dialect.Sql,
            "MATHML" => Dialect.MathML,
            _ => null,
        };
        dialect = known ?? Dialect.Formula;
        return known is not null;
    }
}
