using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions;

// The formula as text: the canonical form and the dialects.
public sealed partial class Formula
{
    /// <summary>The canonical text: the formula language with the fewest parentheses; it parses back to an equal tree.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Header() + Guard(() => Printer.Print(Tree, Dialect.Formula, Options));

    // "fun e x -> " when a parameter shadows a constant: without it, the text would read the constant back
    private string Header() =>
        Parameters.Any(p => Context.TryLookup(p, out var f) && f.IsConstant)
            ? $"fun {string.Join(" ", Parameters)} -> "
            : "";

    /// <summary>
    /// The formula as text in a dialect: <c>"G"</c> (default, the formula language), <c>"C#"</c>,
    /// <c>"LaTeX"</c>, <c>"DynamicLinq"</c> or <c>"SQL"</c> (case-insensitive; <c>csharp</c> and <c>dynamic-linq</c> also work).
    /// Numbers never depend on the culture; <paramref name="formatProvider"/> is ignored.
    /// </summary>
    /// <param name="format">The dialect name.</param>
    /// <param name="formatProvider">Ignored.</param>
    /// <returns>The text.</returns>
    /// <exception cref="FormatException">The format is not one of the dialects.</exception>
    public string ToString(string? format, IFormatProvider? formatProvider = null)
    {
        var dialect = ParseDialect(format);
        return (dialect == Dialect.Formula ? Header() : "") + Guard(() => Printer.Print(dialect == Dialect.Formula ? Tree : Core, dialect, Options));
    }

    /// <summary>Reads a dialect name as accepted by <see cref="ToString(string?, IFormatProvider?)"/>.</summary>
    /// <param name="format">The name.</param>
    /// <returns>The dialect.</returns>
    /// <exception cref="FormatException">Unknown name.</exception>
    public static Dialect ParseDialect(string? format) =>
        TryParseDialect(format, out var dialect) ? dialect : throw new FormatException($"unknown format `{format}`; use {DialectNames}");

    /// <summary>Reads a dialect name as accepted by <see cref="ToString(string?, IFormatProvider?)"/>, without throwing.</summary>
    /// <param name="format">The name; null or empty is the formula language.</param>
    /// <param name="dialect">The dialect, when the name is known.</param>
    /// <returns>True when the name is one of the dialects.</returns>
    public static bool TryParseDialect(string? format, out Dialect dialect) => Dialects.TryParse(format, out dialect);

    /// <summary>The dialect names, as listed in messages.</summary>
    public const string DialectNames = Dialects.Names;
}
