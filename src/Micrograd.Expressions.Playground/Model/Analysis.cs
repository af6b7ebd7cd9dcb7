namespace Micrograd.Expressions.Playground.Model;

/// <summary>One derivative of the formula, in every dialect the page shows.</summary>
/// <param name="Parameter">The parameter it is taken by.</param>
/// <param name="Derivative">The simplified derivative.</param>
/// <param name="Text">The formula language.</param>
/// <param name="MathML">The MathML dialect, which the browser renders.</param>
public sealed record DerivativeView(string Parameter, Formula Derivative, string Text, string MathML)
{
    /// <summary>The derivative in a dialect for the copy buttons (LaTeX, C#, SQL).</summary>
    /// <param name="format">The dialect's name.</param>
    /// <returns>The text, or the engine's message when it cannot be written.</returns>
    public string In(string format) => Analysis.Attempt(() => Derivative.ToString(format), out var text, out var error) ? text! : error!;
}

/// <summary>An error as the page shows it: the engine's message and, for a syntax error, its caret under the column.</summary>
/// <param name="Message">The engine's message (with line and column for a syntax error).</param>
/// <param name="Column">The column (1-based) the caret points at, or 0 when the error has no position.</param>
/// <param name="Caret">The engine's two lines, the text and a caret under the column, or empty.</param>
public sealed record ErrorView(string Message, int Column, string Caret);

/// <summary>What the page knows about the formula typed: the formula and its derivatives, or the error.</summary>
public sealed record Analysis(Formula? Formula, ErrorView? Error, IReadOnlyList<DerivativeView> Derivatives, TimeSpan Elapsed)
{
    /// <summary>Reads the text and differentiates by every parameter; bad input gives an error, never an exception.</summary>
    /// <param name="text">The formula as typed.</param>
    /// <returns>The analysis.</returns>
    public static Analysis Of(string text)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        if (!Formula.TryParse(text, out var formula, out var error))
        {
            return new Analysis(null, Describe(error), [], clock.Elapsed);
        }

        var derivatives = new List<DerivativeView>();
        foreach (var p in formula!.Parameters)
        {
            if (!Attempt(() => formula.Derivative(p), out var d, out var message))
            {
                return new Analysis(formula, new ErrorView(message!, 0, ""), derivatives, clock.Elapsed);
            }

            derivatives.Add(new DerivativeView(p, d!, d!.ToString(), d.ToString("MathML")));
        }

        return new Analysis(formula, null, derivatives, clock.Elapsed);
    }

    /// <summary>Runs an engine call; its own errors (bad input, limits) come back as the message shown.</summary>
    /// <typeparam name="T">The result.</typeparam>
    /// <param name="run">The call.</param>
    /// <param name="result">Its result, when it succeeded.</param>
    /// <param name="error">The engine's message, when it failed.</param>
    /// <returns>True when it succeeded.</returns>
    public static bool Attempt<T>(Func<T> run, out T? result, out string? error)
    {
        try
        {
            result = run();
            error = null;
            return true;
        }
        catch (Exception e) when (e is FormulaException or ArgumentException or FormatException or InvalidOperationException or ArithmeticException)
        {
            // shown on the page (and written to the console by the caller when it is not the engine's own)
            result = default;
            error = e.Message;
            return false;
        }
    }

    private static ErrorView Describe(Exception? error) => error switch
    {
        FormulaSyntaxException s => new ErrorView(s.Message, s.Column, s.Caret),
        null => new ErrorView("the formula could not be read", 0, ""),
        _ => new ErrorView(error.Message, 0, ""),
    };
}
