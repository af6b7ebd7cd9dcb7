using System.Globalization;

namespace Micrograd.Expressions.Syntax;

// The printer: numbers and names as each dialect writes them, and the output budget.
internal static partial class Printer
{
    /// <summary>The error for text past <see cref="FormulaOptions.MaxOutputLength"/>.</summary>
    internal static FormulaException TooLong(FormulaOptions options, string why = "") =>
        new(FormulaErrorKind.Limit, $"the text would be longer than {options.MaxOutputLength} characters, the limit (FormulaOptions.MaxOutputLength){why}");

    // At least the characters a node writes besides its children: its name or number (SQL's CASE for an
    // infinity is the longest), its template or Math.Pow with global::System. in front, and per child the
    // operator and parentheses around it (LaTeX's \left( \right) \cdot are the longest).
    private static int OwnLength(Expr e, Dialect d)
    {
        if (d == Dialect.MathML)
        {
            // every node may be wrapped in <mrow> and fenced, and the root adds the <math> element
            return MathMLOwnLength(e);
        }

        var perChild = d == Dialect.LaTeX ? 24 : d == Dialect.Formula ? 6 : 12;
        return e switch
        {
            Number n => NumberText.Format(n.Value).Length + 120,
            Variable v => (2 * v.Name.Length) + 10,
            Call c => Math.Max(c.Function.Name.Length, d == Dialect.Formula ? 0 : Template(c.Function, d).Length) + 40 + (perChild * c.Arguments.Length),
            Let l => l.Bindings.Sum(b => b.Name.Length + 12) + 4,
            _ => 24 + (perChild * Nodes.Children(e).Length),
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
            // SQL: the same text for SQLite, PostgreSQL and DuckDB (docs/databases.md). A decimal CAST reads back
            // exactly in all three; -0.0 is a product, since SQLite's unary minus and DuckDB's and PostgreSQL's
            // decimal -0.0 give 0.0; the specials are chosen by a CASE that PostgreSQL and DuckDB answer with
            // 'Infinity' and 'NaN' and SQLite (where those strings read as 0.0) with 9e999, and NULL, its NaN.
            Dialect.Sql when double.IsNaN(value) => $"(CASE WHEN {SqlInfinity} > 0 THEN CAST('NaN' AS DOUBLE PRECISION) END)",
            Dialect.Sql when double.IsPositiveInfinity(value) => $"(CASE WHEN {SqlInfinity} > 0 THEN {SqlInfinity} ELSE 9e999 END)",
            Dialect.Sql when double.IsNegativeInfinity(value) => $"(CASE WHEN {SqlInfinity} > 0 THEN CAST('-Infinity' AS DOUBLE PRECISION) ELSE -9e999 END)",
            Dialect.Sql when value == 0 && double.IsNegative(value) => "(CAST(0 AS DOUBLE PRECISION) * -1)",
            Dialect.Sql => $"CAST({text} AS DOUBLE PRECISION)",
            Dialect.CSharp when double.IsNaN(value) => "(0.0 / 0.0)",
            Dialect.CSharp when double.IsPositiveInfinity(value) => "(1.0 / 0.0)",
            Dialect.CSharp when double.IsNegativeInfinity(value) => "(-1.0 / 0.0)",
            // Dynamic LINQ keeps one constant per value for the whole process, and 0.0 equals -0.0 there: once one
            // zero literal is read, the other reads as it. So no zero literal: a difference gives +0.0, its negation -0.0.
            Dialect.DynamicLinq when double.IsNaN(value) => "(1e999 - 1e999)",
            Dialect.DynamicLinq when double.IsInfinity(value) => value > 0 ? "1e999" : "-1e999",
            Dialect.DynamicLinq when value == 0 => double.IsNegative(value) ? "-(1.0 - 1.0)" : "(1.0 - 1.0)",
            _ => text.Contains('.') || text.Contains('e') ? text : text + ".0",
        };
    }

    private const string SqlInfinity = "CAST('Infinity' AS DOUBLE PRECISION)";

    // A name as the dialect can read it: SQL quotes every name; C# puts @ before a keyword (@new); Dynamic LINQ,
    // which has no quoting, puts _ before a name it reserves (_new, _Math) and before such a name with leading
    // underscores (_new becomes __new), so distinct names stay distinct.
    private static string Name(string name, Dialect d) => d switch
    {
        Dialect.LaTeX => LaTeXName(name),
        Dialect.Sql => $"\"{name}\"",
        Dialect.CSharp when CSharpKeywords.Contains(name) => "@" + name,
        Dialect.DynamicLinq when DynamicLinqReserved.Contains(name.TrimStart('_')) || name.TrimStart('_') == "Math" => "_" + name,
        _ => name,
    };

    // C#'s reserved keywords (contextual ones such as var or value are names)
    private static readonly HashSet<string> CSharpKeywords = new(StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const", "continue",
        "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern", "false", "finally",
        "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface", "internal", "is", "lock",
        "long", "namespace", "new", "null", "object", "operator", "out", "override", "params", "private", "protected",
        "public", "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc", "static", "string",
        "struct", "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort",
        "using", "virtual", "void", "volatile", "while",
    };

    // Dynamic LINQ's keywords, functions and word operators, in any case (its default); Math, the type the text calls, too
    private static readonly HashSet<string> DynamicLinqReserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "true", "false", "null", "it", "parent", "root", "iif", "isnull", "new", "np", "is", "as", "cast", "OfType",
        "and", "or", "not", "mod", "in", "eq", "ne", "neq", "lt", "le", "gt", "ge",
    };

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
