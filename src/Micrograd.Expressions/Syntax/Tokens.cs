namespace Micrograd.Expressions.Syntax;

/// <summary>
/// The language's names, keywords and digits as scanners over the text: the one home of these token rules, read
/// by the grammar (<see cref="Parser"/>), the quick reader (<see cref="QuickReader"/>) and the checks of names a
/// host gives. A class of its own, so that using it never builds the grammar's parsers.
/// </summary>
internal static class Tokens
{
    /// <summary>True for <c>let</c>, <c>in</c> and <c>fun</c>, which are never names.</summary>
    public static bool IsKeyword(string word) => word is "let" or "in" or "fun";

    /// <summary>True when the text is a name of the language: a letter or <c>_</c>, then letters, digits, <c>_</c>; not a keyword.</summary>
    public static bool IsName(string text) =>
        text.Length > 0 && ScanIdentifier(text, 0) == text.Length && !IsKeyword(text);

    /// <summary>The end of the name that starts at <paramref name="i"/>, or <paramref name="i"/> where none does.</summary>
    public static int ScanIdentifier(string text, int i)
    {
        if (i >= text.Length || !(char.IsLetter(text[i]) || text[i] == '_'))
        {
            return i;
        }

        do
        {
            i++;
        }
        while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_'));
        return i;
    }

    /// <summary>Moves <paramref name="i"/> past the ASCII digits there and returns how many there were.</summary>
    public static int ScanDigits(string text, ref int i)
    {
        var start = i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        return i - start;
    }
}
