using System.Globalization;
using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions.Tests.Support;

/// <summary>
/// Formulas and texts for failure messages, shortened: a message shows at most <see cref="Limit"/> characters of
/// a formula (its start and its end, and how long it was), so a failing test on a large formula prints a line, not
/// megabytes.
/// </summary>
internal static class Shown
{
    /// <summary>The most characters of a formula a message shows.</summary>
    public const int Limit = 240;

    /// <summary>The text, or its first and last characters with its length between them.</summary>
    public static string Text(string? text)
    {
        if (text is null || text.Length <= Limit)
        {
            return text ?? "(null)";
        }

        var half = (Limit - 40) / 2;
        return string.Create(CultureInfo.InvariantCulture, $"{text[..half]} …({text.Length:N0} characters)… {text[^half..]}");
    }

    /// <summary>A formula's text, shortened.</summary>
    public static string Formula(Formula? formula) => Text(formula?.ToString());

    /// <summary>A tree's text, shortened; a tree too large to print quickly is shown by its size.</summary>
    public static string Formula(Expr? tree)
    {
        if (tree is null)
        {
            return "(null)";
        }

        var size = Nodes.Walk(tree, distinct: false).Take(10 * Limit).Count();
        return size < 10 * Limit
            ? Text(Micrograd.Expressions.Formula.FromTree(tree).ToString())
            : string.Create(CultureInfo.InvariantCulture, $"a tree of more than {10 * Limit:N0} nodes");
    }
}
