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

        // Tree depth grows by one per open parenthesis and per power operator in the same parentheses
        // (a**b**c nests to the right); the sum over the open levels bounds the depth of the tree.
        var powersPerLevel = new Stack<int>();
        var depth = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    powersPerLevel.Push(0);
                    depth++;
                    break;
                case ')' when powersPerLevel.Count > 0:
                    depth -= 1 + powersPerLevel.Pop();
                    break;
                case '^':
                case '*' when i + 1 < text.Length && text[i + 1] == '*':
                    if (powersPerLevel.Count == 0)
                    {
                        powersPerLevel.Push(0);
                        depth++;
                    }

                    powersPerLevel.Push(powersPerLevel.Pop() + 1);
                    depth++;
                    if (text[i] == '*')
                    {
                        i++;
                    }

                    break;
                default:
                    continue;
            }

            if (depth > options.MaxDepth)
            {
                throw Parser.At(text, i, FormulaErrorKind.Limit,
                    $"the formula nests deeper than {options.MaxDepth} levels (FormulaOptions.MaxDepth)");
            }
        }
    }

    public static FormulaSyntaxException StackExhausted(string text, int line, int column) =>
        new(FormulaErrorKind.Limit,
            "the formula nests too deeply for the stack of this thread; lower the nesting or FormulaOptions.MaxDepth",
            text, line, column);
}
