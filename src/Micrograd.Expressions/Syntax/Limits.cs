namespace Micrograd.Expressions.Syntax;

/// <summary>
/// Checks <see cref="FormulaOptions"/> on the raw text before the recursive parts of the parser run, so that
/// no input can take the parser deeper than <see cref="FormulaOptions.MaxDepth"/>.
/// </summary>
internal static class Limits
{
    public static void Check(string text, FormulaOptions options)
    {
        if (text.Length > options.MaxLength)
        {
            throw Parser.At(text, options.MaxLength, FormulaErrorKind.Limit,
                $"the formula is {text.Length} characters long; the limit (FormulaOptions.MaxLength) is {options.MaxLength}");
        }

        // Tree depth grows by one per open parenthesis and per power operator in a chain (a**b**c nests to
        // the right); a binary operator of lower precedence ends the chain. The sum over the open levels
        // bounds the depth of the tree the parser builds.
        var chains = new Stack<int>();
        chains.Push(0);
        var depth = 0;
        var previous = '\0';
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '(':
                    chains.Push(0);
                    depth++;
                    break;
                case ')' when chains.Count > 1:
                    depth -= 1 + chains.Pop();
                    break;
                case '^':
                case '*' when i + 1 < text.Length && text[i + 1] == '*':
                    chains.Push(chains.Pop() + 1);
                    depth++;
                    i += c == '*' ? 1 : 0;
                    break;
                case '*' or '/' or ',' or ';' or '=' or '\n':
                case '+' or '-' when (char.IsLetterOrDigit(previous) || previous is '_' or '.' or ')') && !InExponent(text, i):
                    depth -= chains.Pop();
                    chains.Push(0);
                    break;
            }

            if (!char.IsWhiteSpace(c))
            {
                previous = c;
            }

            if (depth > options.MaxDepth)
            {
                throw Parser.At(text, i, FormulaErrorKind.Limit,
                    $"the formula nests deeper than {options.MaxDepth} levels (FormulaOptions.MaxDepth)");
            }
        }
    }

    // the sign of a number's exponent, as in 1e-5
    private static bool InExponent(string text, int i) =>
        i >= 2 && text[i - 1] is 'e' or 'E' && (char.IsAsciiDigit(text[i - 2]) || text[i - 2] == '.');

    public static FormulaSyntaxException StackExhausted(string text, int line, int column) =>
        new(FormulaErrorKind.Limit,
            "the formula nests too deeply for the stack of this thread; lower the nesting or FormulaOptions.MaxDepth",
            text, line, column);
}
