namespace Micrograd.Expressions.Syntax;

/// <summary>
/// The limits of <see cref="FormulaOptions"/> checked outside the grammar: the length of the text, before
/// anything is read, and the error for a stack too small for the nesting allowed. The nesting depth is counted
/// by the grammar itself (<c>Parser.Nested</c>), so no spelling of the text can get around it.
/// </summary>
internal static class Limits
{
    /// <summary>The error for text longer than <see cref="FormulaOptions.MaxLength"/>, or null.</summary>
    public static FormulaSyntaxException? Exceeded(string text, FormulaOptions options) =>
        text.Length > options.MaxLength
            ? Parser.At(text, options.MaxLength, FormulaErrorKind.Limit,
                $"the formula is {text.Length} characters long; the limit (FormulaOptions.MaxLength) is {options.MaxLength}")
            : null;

    /// <summary>
    /// The one check of <see cref="FormulaOptions.MaxOrder"/>: why <paramref name="order"/> is refused, or null. The
    /// library raises it (kind <see cref="FormulaErrorKind.Limit"/>), the generator reports it as MGX0007, and
    /// <c>mgx</c> (both front ends) passes the order on to the library.
    /// </summary>
    public static string? OrderExceeded(int order, FormulaOptions options) =>
        order > options.MaxOrder ? $"the order {order} exceeds the limit (FormulaOptions.MaxOrder) of {options.MaxOrder}" : null;

    /// <summary>The documented error for a tree too deep for the current thread's stack (compiling, differentiating, printing).</summary>
    public static FormulaException StackExhausted(InsufficientExecutionStackException e) =>
        new(FormulaErrorKind.Limit, $"the formula nests too deeply for this thread's stack: {e.Message}");

    public static FormulaSyntaxException StackExhausted(string text, int line, int column) =>
        new(FormulaErrorKind.Limit,
            "the formula nests too deeply for the stack of this thread; lower the nesting or FormulaOptions.MaxDepth",
            text, line, column);
}
