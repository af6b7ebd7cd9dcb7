namespace Micrograd.Expressions.Cli.Operations;

/// <summary>
/// A request that is not valid: a field or option missing, of the wrong type or out of range, an unknown op.
/// The batch protocol answers it with kind <c>request</c>; the command line prints it and exits 2 (bad usage).
/// </summary>
internal sealed class RequestException : Exception
{
    /// <summary>A refusal worded as a whole sentence, the same for both front ends.</summary>
    /// <param name="message">What is wrong and what is accepted.</param>
    public RequestException(string message)
        : base(message) => Text = message;

    /// <summary>A value of one field refused: the batch protocol names the field, the command line the option.</summary>
    /// <param name="field">The field's name in a batch request (the option is <c>--</c> and the same name).</param>
    /// <param name="requirement">What the value must be, and what it was.</param>
    public RequestException(string field, string requirement)
        : base($"field `{field}` must be {requirement}") => Text = $"--{field} must be {requirement}";

    /// <summary>The message as the command line prints it.</summary>
    public string Text { get; }
}

/// <summary>The work of a request failed for a reason outside the formula (a tool it runs, a data file, training that diverged).</summary>
/// <param name="message">What failed.</param>
internal sealed class WorkException(string message) : Exception(message);

/// <summary>
/// An error as both front ends report it: the batch response's kind, message and position, and the command
/// line's text and exit code.
/// </summary>
/// <param name="Kind">The kind, as the protocol names it: syntax, name, arity, limit, request, internal.</param>
/// <param name="Message">A sentence for a person (the batch response's message).</param>
/// <param name="Line">The 1-based line in the formula, for errors in formula text.</param>
/// <param name="Column">The 1-based column in the formula.</param>
internal sealed record Failure(string Kind, string Message, int? Line = null, int? Column = null)
{
    /// <summary>What the command line prints after <c>mgx: </c> (the message, or the formula's line with a caret).</summary>
    public string Text { get; init; } = Message;

    /// <summary>The command line's exit code: <see cref="Failures.Usage"/> for a refused request, else <see cref="Failures.Failed"/>.</summary>
    public int ExitCode { get; init; } = Failures.Failed;
}

/// <summary>
/// The one error path: every exception of a request, from either front end, becomes a <see cref="Failure"/>
/// here; the batch session writes it as the error response, the command line as one <c>mgx:</c> line and the
/// exit code (docs/cli.md, "Exit codes").
/// </summary>
internal static class Failures
{
    /// <summary>The exit code of success.</summary>
    public const int Ok = 0;

    /// <summary>The exit code of a failure (a bad formula or input, a limit, a check that disagrees, a tool that failed).</summary>
    public const int Failed = 1;

    /// <summary>The exit code of bad usage (a refused option or argument).</summary>
    public const int Usage = 2;

    /// <summary>What every line mgx writes to standard error starts with.</summary>
    public const string Prefix = "mgx: ";

    /// <summary>The failure an exception stands for.</summary>
    public static Failure Describe(Exception e) => e switch
    {
        FormulaSyntaxException s => new Failure(Kind(s.Kind), s.Message, s.Line, s.Column) { Text = s.Describe() },
        FormulaException f => new Failure(Kind(f.Kind), f.Message),
        RequestException r => new Failure("request", r.Message) { Text = r.Text, ExitCode = Usage },
        FormatException or ArgumentException => new Failure("request", e.Message),
        WorkException => new Failure("internal", e.Message),
        IOException or UnauthorizedAccessException or System.Security.SecurityException =>
            new Failure("internal", $"{e.GetType().Name}: {e.Message}") { Text = $"cannot write the output: {e.Message}" },
        InsufficientExecutionStackException => new Failure("limit", "the request nests too deeply for this thread's stack"),
        OutOfMemoryException => new Failure("limit", "the request needs more memory than the process can have; lower its size"),
        InvalidProgramException => new Failure("limit", "the formula is too large to compile"),
        _ => new Failure("internal", $"{e.GetType().Name}: {e.Message}"),
    };

    /// <summary>Writes one line of standard error: <c>mgx: </c> and the text.</summary>
    public static void Say(TextWriter error, string text) => error.WriteLine(Prefix + text);

    /// <summary>Reports a failure on the command line and returns its exit code.</summary>
    public static int Report(TextWriter error, Exception e)
    {
        var failure = Describe(e);
        Say(error, failure.Text);
        return failure.ExitCode;
    }

    /// <summary>The protocol's name of an error kind.</summary>
    public static string Kind(FormulaErrorKind kind) => kind switch
    {
        FormulaErrorKind.Name => "name",
        FormulaErrorKind.Arity => "arity",
        FormulaErrorKind.Limit => "limit",
        _ => "syntax",
    };
}
