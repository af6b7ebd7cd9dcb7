using System.Globalization;
using Sprache;

namespace Micrograd.Expressions.Syntax;

// The parser: tokens (numbers, names, signs, symbols) scanned from the text.
internal static partial class Parser
{
    private static Parser<double> NumberToken => input =>
    {
        var text = input.Source;
        var start = input.Position;
        var i = start;
        var digits = Tokens.ScanDigits(text, ref i);
        if (i < text.Length && text[i] == '.')
        {
            i++;
            digits += Tokens.ScanDigits(text, ref i);
        }

        if (digits == 0)
        {
            return Result.Failure<double>(input, "expected a number", NumberExpected);
        }

        if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
        {
            var exponentStart = i;
            i++;
            if (i < text.Length && (text[i] == '+' || text[i] == '-'))
            {
                i++;
            }

            if (Tokens.ScanDigits(text, ref i) == 0)
            {
                throw At(text, exponentStart, FormulaErrorKind.Syntax,
                    $"malformed number `{text[start..i]}`: the exponent needs digits, as in `{text[start..exponentStart]}e-6`");
            }
        }

        if (RadixLiteralEnd(text, start, i) is { } literalEnd)
        {
            throw At(text, start, FormulaErrorKind.Syntax,
                $"`{text[start..literalEnd]}`: hexadecimal, binary and octal numbers are not supported; write the number in decimal");
        }

        if (i < text.Length && (char.IsLetter(text[i]) || text[i] == '_'))
        {
            var number = text[start..i];
            var end = i;
            while (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] == '_'))
            {
                end++;
            }

            throw At(text, i, FormulaErrorKind.Syntax,
                $"a number cannot be followed directly by a name; write `{number}*{text[i..end]}` to multiply");
        }

        if (i < text.Length && text[i] == '.')
        {
            throw At(text, i, FormulaErrorKind.Syntax, $"malformed number `{text[start..(i + 1)]}`: a number has at most one `.`");
        }

        var value = double.Parse(text.AsSpan(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture);
        return Result.Success(value, AdvancePast(input, SkipSpace(text, i) - start));
    };

    // the end of 0x1F, 0b101 or 0o17 written where a number starts, or null
    private static int? RadixLiteralEnd(string text, int start, int i)
    {
        if (i - start != 1 || text[start] != '0' || i + 1 >= text.Length)
        {
            return null;
        }

        Func<char, bool>? digit = char.ToLowerInvariant(text[i]) switch
        {
            'x' => char.IsAsciiHexDigit,
            'b' => c => c is '0' or '1',
            'o' => c => c is >= '0' and <= '7',
            _ => null,
        };
        var end = i + 1;
        while (digit is not null && end < text.Length && digit(text[end]))
        {
            end++;
        }

        var word = end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] == '_');
        return digit is not null && end > i + 1 && !word ? end : null;
    }

    // A token read by a scanner that returns its end offset (start when nothing matched); trailing
    // whitespace is consumed, as every token does.
    private static Parser<string> Lexeme(Func<string, int, int> scan, string expected, bool optional = false)
    {
        string[] expectations = [expected];
        var message = $"expected {expected}";
        return input =>
        {
            var text = input.Source;
            var end = scan(text, input.Position);
            if (end == input.Position && !optional)
            {
                return Result.Failure<string>(input, message, expectations);
            }

            return Result.Success(text[input.Position..end], AdvancePast(input, SkipSpace(text, end) - input.Position));
        };
    }

    // a run of + and - signs with any whitespace between them; the token text keeps only the signs
    private static int ScanSigns(string text, int i)
    {
        var end = i;
        while (i < text.Length && (text[i] == '-' || text[i] == '+' || char.IsWhiteSpace(text[i])))
        {
            if (text[i] != ' ' && !char.IsWhiteSpace(text[i]))
            {
                end = i + 1;
            }

            i++;
        }

        return end;
    }

    private static int SkipSpace(string text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        return i;
    }

    private static IInput AdvancePast(IInput input, int count)
    {
        if (input is TextInput text)
        {
            return text.AdvanceBy(count);
        }

        for (var k = 0; k < count; k++)
        {
            input = input.Advance();
        }

        return input;
    }
}
