namespace Micrograd.Expressions.Cli.Operations;

/// <summary>A request that is well-formed JSON but not a valid request (missing field, wrong type, unknown op).</summary>
/// <param name="message">What is wrong.</param>
internal sealed class RequestException(string message) : Exception(message);

/// <summary>An error response: its kind (syntax, name, arity, limit, request, internal), message and position.</summary>
/// <param name="Kind">The kind, as the protocol names it.</param>
/// <param name="Message">A sentence for a person.</param>
/// <param name="Line">The 1-based line in the formula, for errors in formula text.</param>
/// <param name="Column">The 1-based column in the formula.</param>
internal sealed record Failure(string Kind, string Message, int? Line = null, int? Column = null);

/// <summary>How the batch protocol and the commands report an exception of a request.</summary>
internal static class Failures
{
    /// <summary>The response for an exception; null for the few that must not be caught (none here).</summary>
    public static Failure? Describe(Exception e) => e switch
    {
        FormulaSyntaxException s => new Failure(Kind(s.Kind), s.Message, s.Line, s.Column),
        FormulaException f => new Failure(Kind(f.Kind), f.Message),
        RequestException or FormatException => new Failure("request", e.Message),
        ArgumentException a => new Failure("request", a.Message),
        InsufficientExecutionStackException => new Failure("limit", "the request nests too deeply for this thread's stack"),
        OutOfMemoryException => new Failure("limit", "the request needs more memory than the process can have; lower its size"),
        InvalidProgramException => new Failure("limit", "the formula is too large to compile"),
        _ => new Failure("internal", $"{e.GetType().Name}: {e.Message}"),
    };

    /// <summary>The protocol's name of an error kind.</summary>
    public static string Kind(FormulaErrorKind kind) => kind switch
    {
        FormulaErrorKind.Name => "name",
        FormulaErrorKind.Arity => "arity",
        FormulaErrorKind.Limit => "limit",
        _ => "syntax",
    };
}
