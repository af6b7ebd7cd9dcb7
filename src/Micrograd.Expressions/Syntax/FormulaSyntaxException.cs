namespace Micrograd.Expressions;

/// <summary>What kind of mistake a <see cref="FormulaException"/> reports.</summary>
public enum FormulaErrorKind
{
    /// <summary>The text is not a formula: a bad token, a missing operand, unbalanced parentheses.</summary>
    Syntax,

    /// <summary>An unknown function or name, a missing or unknown parameter value.</summary>
    Name,

    /// <summary>A function called with the wrong number of arguments, or values of the wrong count.</summary>
    Arity,

    /// <summary>The input exceeds a limit of <see cref="FormulaOptions"/> (length, nesting depth, node count).</summary>
    Limit,
}

/// <summary>The base of every error the engine reports about a formula or its inputs.</summary>
public class FormulaException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">What kind of mistake.</param>
    /// <param name="message">A sentence for a person.</param>
    public FormulaException(FormulaErrorKind kind, string message)
        : base(message) => Kind = kind;

    /// <summary>What kind of mistake this is.</summary>
    public FormulaErrorKind Kind { get; }
}

/// <summary>
/// A formula's text could not be read. Carries the 1-based <see cref="Line"/> and <see cref="Column"/>
/// and a rendering of the offending line with a caret under the column (<see cref="Caret"/>).
/// </summary>
public sealed class FormulaSyntaxException : FormulaException
{
    /// <summary>Creates the exception for a position in <paramref name="text"/>.</summary>
    /// <param name="kind">What kind of mistake.</param>
    /// <param name="reason">What is wrong, without the position.</param>
    /// <param name="text">The whole formula text.</param>
    /// <param name="line">1-based line.</param>
    /// <param name="column">1-based column.</param>
    public FormulaSyntaxException(FormulaErrorKind kind, string reason, string text, int line, int column)
        : base(kind, $"{Title(kind)} (line {line}, column {column}): {reason}")
    {
        Reason = reason;
        Line = line;
        Column = column;
        LineText = LineOf(text, line);
    }

    /// <summary>What is wrong, without the position, e.g. <c>unexpected end of input, expected a number, a name or "("</c>.</summary>
    public string Reason { get; }

    /// <summary>1-based line of the error.</summary>
    public int Line { get; }

    /// <summary>1-based column of the error.</summary>
    public int Column { get; }

    /// <summary>The text of the offending line.</summary>
    public string LineText { get; }

    /// <summary>
    /// Two lines: the offending line and a caret under the column. A line longer than 120 characters is shown as
    /// the 60 characters either side of the column, each cut end marked <c>...</c>, so the rendering stays short
    /// however long the formula.
    /// </summary>
    public string Caret
    {
        get
        {
            var (shown, at) = Window(LineText, Column);
            return $"{shown}\n{new string(' ', at)}^";
        }
    }

    /// <summary>The message followed by the caret rendering (<see cref="Caret"/>, indented), ready to print.</summary>
    /// <returns>Three lines of text.</returns>
    public string Describe()
    {
        var (shown, at) = Window(LineText, Column);
        return $"{Message}\n  {shown}\n  {new string(' ', at)}^";
    }

    // the part of a long line around the column, and the caret's offset in it
    private static (string Shown, int Caret) Window(string line, int column)
    {
        const int reach = 60;
        var at = Math.Max(0, column - 1);
        if (line.Length <= 2 * reach)
        {
            return (line, at);
        }

        at = Math.Min(at, line.Length);
        var from = Math.Max(0, at - reach);
        var to = Math.Min(line.Length, at + reach);
        var prefix = from > 0 ? "..." : "";
        return (prefix + line[from..to] + (to < line.Length ? "..." : ""), prefix.Length + at - from);
    }

    private static string Title(FormulaErrorKind kind) => kind switch
    {
        FormulaErrorKind.Name => "Name error",
        FormulaErrorKind.Arity => "Arity error",
        FormulaErrorKind.Limit => "Limit exceeded",
        _ => "Syntax error",
    };

    private static string LineOf(string text, int line)
    {
        var lines = text.Split('\n');
        return line >= 1 && line <= lines.Length ? lines[line - 1].TrimEnd('\r') : "";
    }
}
