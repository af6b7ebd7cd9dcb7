using System.Globalization;

namespace Micrograd.Expressions.Syntax;

// The printer: numbers and names as each dialect writes them, and the output budget.
internal static partial class Printer
{
    /// <summary>The error for text past <see cref="FormulaOptions.MaxOutputLength"/>.</summary>
    internal static FormulaException TooLong(FormulaOptions options, string why = "") =>
        new(FormulaErrorKind.Limit, $"the text would be longer than {options.MaxOutputLength} characters, the limit (FormulaOptions.MaxOutputLength){why}");

    // At least the characters a node writes besides its children: its name or number, and per child the
    // operator and parentheses around it (LaTeX's \left( \right) \cdot are the longest).
    private static int OwnLength(Expr e, Dialect d)
    {
        var perChild = d == Dialect.LaTeX ? 24 : d == Dialect.Formula ? 6 : 12;
        return e switch
        {
            Number n => NumberText.Format(n.Value).Length + 24,
            Variable v => (2 * v.Name.Length) + 10,
            Call c => c.Function.Name.Length + 40 + (perChild * c.Arguments.Length),
            Let l => l.Bindings.Sum(b => b.Name.Length + 12) + 4,
            _ => 4 + (perChild * Nodes.Children(e).Length),
        };
    }

    private static string FormatNumber(double value, Dialect d)
    {
        var text = NumberText.Format(value);
        return d switch
        {
            // text that reads back as the same number: 1e999 overflows to Infinity, 0/0 is NaN
            Dialect.Formula when double.IsNaN(value) => "(0/0)",
            Dialect.Formula when double.IsInfinity(value) => value > 0 ? "1e999" : "-1e999",
            Dialect.Formula => text,
            Dialect.LaTeX when double.IsNaN(value) => @"\mathrm{NaN}",
            Dialect.LaTeX when double.IsInfinity(value) => value > 0 ? @"\infty" : @"-\infty",
            Dialect.LaTeX => LaTeXNumber(text),
            Dialect.Sql when double.IsNaN(value) => "CAST('NaN' AS DOUBLE PRECISION)",
            Dialect.Sql when double.IsInfinity(value) => value > 0 ? "CAST('Infinity' AS DOUBLE PRECISION)" : "CAST('-Infinity' AS DOUBLE PRECISION)",
            Dialect.Sql => $"CAST({text} AS DOUBLE PRECISION)",
            _ when double.IsNaN(value) => "(0.0 / 0.0)",
            _ when double.IsPositiveInfinity(value) => "(1.0 / 0.0)",
            _ when double.IsNegativeInfinity(value) => "(-1.0 / 0.0)",
            _ => text.Contains('.') || text.Contains('e') ? text : text + ".0",
        };
    }

    private static string LaTeXNumber(string text)
    {
        var e = text.IndexOf('e');
        if (e < 0)
        {
            return text;
        }

        var exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return $@"{text[..e]} \times 10^{{{exponent.ToString(CultureInfo.InvariantCulture)}}}";
    }

    internal static string LaTeXName(string name)
    {
        var underscore = name.IndexOf('_');
        if (underscore > 0 && underscore < name.Length - 1)
        {
            return $"{LaTeXName(name[..underscore])}_{{{name[(underscore + 1)..].Replace("_", @"\_", StringComparison.Ordinal)}}}";
        }

        var escaped = name.Replace("_", @"\_", StringComparison.Ordinal);
        return escaped.Length == 1 ? escaped : $@"\mathit{{{escaped}}}";
    }
}
