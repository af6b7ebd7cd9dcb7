using Microsoft.CodeAnalysis.Text;

namespace Micrograd.Expressions.Generators;

/// <summary>
/// Where a character of a string literal's value is in the source: a regular literal's escapes, a verbatim
/// literal's doubled quotes, a raw literal's delimiters and removed indentation are walked as the compiler reads
/// them, so that an error at a line and column of the formula is reported at the very character in the file.
/// </summary>
internal static class LiteralPositions
{
    /// <summary>The source place of the value's character at <paramref name="offset"/> (one character wide), or null when the literal cannot be mapped.</summary>
    public static Place? At(Literal literal, string value, int offset)
    {
        var map = Map(literal.Text);
        if (map is null || map.Count != value.Length + 1)
        {
            return null;
        }

        var inToken = map[Math.Max(0, Math.Min(offset, value.Length))];
        var (line, column) = (literal.StartLine.Line, literal.StartLine.Character);
        for (var i = 0; i < inToken; i++)
        {
            if (literal.Text[i] == '\n')
            {
                (line, column) = (line + 1, 0);
            }
            else
            {
                column++;
            }
        }

        var width = offset < value.Length ? 1 : 0;
        return new Place(literal.Path, new TextSpan(literal.Start + inToken, width),
            new LinePositionSpan(new LinePosition(line, column), new LinePosition(line, column + width)));
    }

    /// <summary>The 1-based line and column of the formula as an offset in it (lines end at <c>\n</c>).</summary>
    public static int Offset(string text, int line, int column)
    {
        var at = 0;
        for (var l = 1; l < line && at < text.Length; at++)
        {
            if (text[at] == '\n')
            {
                l++;
            }
        }

        return Math.Min(text.Length, at + Math.Max(0, column - 1));
    }

    // for each character of the value (and one past its end), its offset in the token's text
    private static List<int>? Map(string token)
    {
        var start = 0;
        while (start < token.Length && token[start] is 'u' or 'U' or '8')
        {
            start++;
        }

        if (token.StartsWith("\"\"\"", StringComparison.Ordinal))
        {
            return Raw(token);
        }

        if (token.StartsWith("@\"", StringComparison.Ordinal))
        {
            return Verbatim(token);
        }

        return token.StartsWith("\"", StringComparison.Ordinal) ? Regular(token) : null;
    }

    private static List<int> Verbatim(string token)
    {
        var map = new List<int>();
        for (var i = 2; i < token.Length - 1; i++)
        {
            map.Add(i);
            if (token[i] == '"')
            {
                i++;
            }
        }

        map.Add(token.Length - 1);
        return map;
    }

    private static List<int> Regular(string token)
    {
        var map = new List<int>();
        for (var i = 1; i < token.Length - 1; i++)
        {
            map.Add(i);
            if (token[i] != '\\')
            {
                continue;
            }

            var kind = token[++i];
            if (kind == 'u')
            {
                i += 4;
            }
            else if (kind == 'U')
            {
                map.Add(i - 1);
                i += 8;
            }
            else if (kind == 'x')
            {
                var digits = 0;
                while (digits < 4 && i + 1 < token.Length - 1 && Uri.IsHexDigit(token[i + 1]))
                {
                    i++;
                    digits++;
                }
            }
        }

        map.Add(token.Length - 1);
        return map;
    }

    private static List<int>? Raw(string token)
    {
        var quotes = 0;
        while (quotes < token.Length && token[quotes] == '"')
        {
            quotes++;
        }

        var end = token.Length - quotes;
        var firstBreak = token.IndexOf('\n', quotes);
        if (firstBreak < 0 || firstBreak > end)
        {
            // single line: the content between the delimiters, as is
            var single = Enumerable.Range(quotes, end - quotes).ToList();
            single.Add(end);
            return single;
        }

        // multi-line: the lines between the delimiter lines, each without the closing line's indentation
        var closingLineStart = token.LastIndexOf('\n', end - 1) + 1;
        var indentation = end - closingLineStart;
        var map = new List<int>();
        var lineStart = firstBreak + 1;
        var first = true;
        while (lineStart < closingLineStart)
        {
            var lineEnd = token.IndexOf('\n', lineStart);
            var contentEnd = lineEnd > 0 && token[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
            var from = Math.Min(lineStart + indentation, contentEnd);
            if (!first)
            {
                // the line break before this line is part of the value
                map.Add(lineStart - 1);
                if (token[lineStart - 2] == '\r')
                {
                    map[map.Count - 1] = lineStart - 2;
                    map.Add(lineStart - 1);
                }
            }

            for (var i = from; i < contentEnd; i++)
            {
                map.Add(i);
            }

            first = false;
            lineStart = lineEnd + 1;
        }

        // the value's end: the break before the closing line is not part of it
        var lastContentEnd = closingLineStart - 1;
        if (lastContentEnd > 0 && token[lastContentEnd - 1] == '\r')
        {
            lastContentEnd--;
        }

        map.Add(lastContentEnd);
        return map;
    }
}
