using Sprache;

namespace Micrograd.Expressions.Syntax;

// The parser: syntax errors with line, column and what was expected.
internal static partial class Parser
{
    private static FormulaSyntaxException Failure<T>(string text, IResult<T> result)
    {
        var at = result.Remainder;
        var unexpected = at.AtEnd ? "end of input" : $"`{Describe(text, at.Position)}`";
        var expected = result.Expectations.Distinct().ToList();
        var reason = expected.Count == 0
            ? $"unexpected {unexpected}"
            : $"unexpected {unexpected}, expected {Alternatives(expected)}";
        if (!at.AtEnd && text[at.Position] == '(' && at.Position > 0 && text[at.Position - 1] == ')')
        {
            reason += "; use `*` to multiply";
        }

        return new FormulaSyntaxException(FormulaErrorKind.Syntax, reason, text, at.Line, at.Column);
    }

    private static string Alternatives(List<string> items) =>
        items.Count == 1 ? items[0] : $"{string.Join(", ", items.Take(items.Count - 1))} or {items[^1]}";

    private static string Describe(string text, int position)
    {
        var c = text[position];
        if (char.IsLetter(c) || c == '_')
        {
            var end = position;
            while (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] == '_'))
            {
                end++;
            }

            // a name quoted in a message stays short, however long it is
            return end - position <= 40 ? text[position..end] : text[position..(position + 40)] + "...";
        }

        return c switch
        {
            '\n' => "new line",
            '\t' => "tab",
            _ => c.ToString(),
        };
    }

    internal static FormulaSyntaxException At(string text, int offset, FormulaErrorKind kind, string reason)
    {
        var (line, column) = LineAndColumn(text, offset);
        return new FormulaSyntaxException(kind, reason, text, line, column);
    }

    internal static (int Line, int Column) LineAndColumn(string text, int offset)
    {
        var line = 1;
        var column = 1;
        for (var i = 0; i < offset && i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }

        return (line, column);
    }

    private readonly record struct Position(int Offset, int Line, int Column);
}
