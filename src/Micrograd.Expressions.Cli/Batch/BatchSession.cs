using System.Runtime.InteropServices;
using System.Text.Json;
using Micrograd.Expressions.Cli.Operations;

namespace Micrograd.Expressions.Cli.Batch;

/// <summary>
/// The JSON Lines protocol: one request object per line in, one response object per line out, in order and
/// flushed. A request that cannot be served gets <c>{"id": ..., "error": {...}}</c> and the session goes on:
/// no request, however malformed or costly, ends the session.
/// </summary>
internal sealed class BatchSession
{
    /// <summary>A session whose requests start from <paramref name="context"/> (the built-in table when null).</summary>
    /// <param name="context">The functions and constants every request may call.</param>
    public BatchSession(FormulaContext? context = null) => Context = context ?? FormulaContext.Default;

    /// <summary>The session's functions and constants: the starting context plus every successful <c>define</c> op.</summary>
    public FormulaContext Context { get; private set; }

    /// <summary>Serves requests until the end of <paramref name="input"/>.</summary>
    /// <param name="input">Requests, one JSON object per line.</param>
    /// <param name="output">Responses, one JSON object per line.</param>
    public static void Run(TextReader input, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var session = new BatchSession();
        var first = true;
        while (input.ReadLine() is { } line)
        {
            // a UTF-8 byte-order mark (written by some editors and Windows tools) is not part of the first request
            if (first && line.StartsWith('\uFEFF'))
            {
                line = line[1..];
            }

            first = false;
            output.WriteLine(session.Answer(line));
            output.Flush();
        }
    }

    /// <summary>Answers one request line in a fresh session. Never throws for any line: every failure is an error response.</summary>
    /// <param name="line">The request text.</param>
    /// <returns>The response, one line of JSON.</returns>
    public static string Handle(string line) => new BatchSession().Answer(line);

    /// <summary>Answers one request line of this session. Never throws for any line: every failure is an error response.</summary>
    /// <param name="line">The request text.</param>
    /// <returns>The response, one line of JSON.</returns>
    public string Answer(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        JsonDocument? document = null;
        try
        {
            try
            {
                document = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 64 });
            }
            catch (JsonException e)
            {
                return Error(null, string.IsNullOrWhiteSpace(line) ? "empty request line" : $"malformed JSON: {e.Message}");
            }

            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Error(null, $"a request must be a JSON object, not {root.ValueKind.ToString().ToLowerInvariant()}");
            }

            var id = root.TryGetProperty("id", out var given) ? given : (JsonElement?)null;
            try
            {
                return Respond(root, id);
            }
            catch (Exception e)
            {
                return Error(id, Failures.Describe(e));
            }
        }
        catch (Exception e)
        {
            return Error(null, Failures.Describe(e));
        }
        finally
        {
            document?.Dispose();
        }
    }

    private string Respond(JsonElement root, JsonElement? id)
    {
        Strings.Validate(root);
        var op = new Request(root, Context).String("op");
        // a request's own definitions hold for it alone; the define op adds them to the session
        var context = Ops.Define(Context, new Request(root, Context).Strings("define"), new Request(root, Context).Constants("constants"));
        var request = new Request(root, context);
        var respond = op == "define" ? Define(request) : Requests.Answer(op, request);
        return Json.Line(writer =>
        {
            WriteId(writer, id);
            respond.Write(writer);
        });
    }

    /// <summary>
    /// The most characters the <c>define</c> ops of one session may keep in all (the definitions' text and the
    /// constants' names): 1,000,000, so a session's definitions hold tens of megabytes at most. Past it a define
    /// op is refused with kind <c>limit</c> and the session goes on; definitions given with another request hold
    /// for that request alone and do not count.
    /// </summary>
    internal const int MaxDefinedLength = 1_000_000;

    // the characters the session's define ops have kept so far
    private long definedLength;

    // {"op":"define","define":[...],"constants":{...}}: the session's context from now on; the names added
    private Defined Define(Request request)
    {
        var length = request.Strings("define").Sum(d => (long)d.Length) + request.Constants("constants").Sum(c => (long)c.Key.Length + 1);
        if (definedLength + length > MaxDefinedLength)
        {
            throw new FormulaException(FormulaErrorKind.Limit,
                $"the session's definitions would have {definedLength + length} characters; a session keeps at most {MaxDefinedLength} " +
                "(see docs/security.md): give the definitions one request needs with that request, or start another session");
        }

        var added = request.Context.Functions.Skip(Context.Functions.Count).Select(f => f.Name).ToList();
        Context = request.Context;
        definedLength += length;
        return new Defined(added);
    }

    private static string Error(JsonElement? id, Failure failure) => Json.Line(writer =>
    {
        WriteId(writer, id);
        writer.WriteStartObject("error");
        writer.WriteString("kind", failure.Kind);
        writer.WriteString("message", failure.Message);
        if (failure.Line is { } l && failure.Column is { } c)
        {
            writer.WriteNumber("line", l);
            writer.WriteNumber("column", c);
        }

        writer.WriteEndObject();
    });

    private static string Error(JsonElement? id, string message) => Error(id, new Failure("request", message));

    private static void WriteId(Utf8JsonWriter writer, JsonElement? id)
    {
        if (id is { } value && Strings.IsValidTree(value))
        {
            writer.WritePropertyName("id");
            value.WriteTo(writer);
        }
    }
}

/// <summary>Checks that every string of a request (names and values) is valid UTF-16, naming the field that is not.</summary>
internal static class Strings
{
    public static void Validate(JsonElement root)
    {
        // the usual request has no escape at all, and only an escape can make a lone surrogate: checked without
        // allocating; the walk that names the field runs only when a string has an escape that does not decode
        if (!AllValid(root))
        {
            Name(root);
        }
    }

    // true when every name and string inside the value decodes; the document's depth (64) bounds the recursion
    private static bool AllValid(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    if ((JsonMarshal.GetRawUtf8PropertyName(property).Contains((byte)'\\') && !TryText(() => property.Name, out _)) || !AllValid(property.Value))
                    {
                        return false;
                    }
                }

                return true;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    if (!AllValid(item))
                    {
                        return false;
                    }
                }

                return true;
            case JsonValueKind.String:
                return !JsonMarshal.GetRawUtf8Value(value).Contains((byte)'\\') || IsValid(value);
            default:
                return true;
        }
    }

    // throws the error that names the first field (in the walk's order) that is not valid Unicode
    private static void Name(JsonElement root)
    {
        var pending = new Stack<(JsonElement Value, string Path)>();
        pending.Push((root, ""));
        while (pending.Count > 0)
        {
            var (value, path) = pending.Pop();
            switch (value.ValueKind)
            {
                case JsonValueKind.Object:
                    var index = 0;
                    foreach (var property in value.EnumerateObject())
                    {
                        index++;
                        if (!TryText(() => property.Name, out var name))
                        {
                            throw new RequestException($"the name of member {index} of {Where(path)} is not valid Unicode (a lone surrogate escape such as \\ud800)");
                        }

                        pending.Push((property.Value, path.Length == 0 ? name : $"{path}.{name}"));
                    }

                    break;
                case JsonValueKind.Array:
                    var i = 0;
                    foreach (var item in value.EnumerateArray())
                    {
                        pending.Push((item, $"{path}[{i++}]"));
                    }

                    break;
                case JsonValueKind.String when !IsValid(value):
                    throw new RequestException($"field `{path}` is not valid Unicode (a lone surrogate escape such as \\ud800)");
            }
        }
    }

    /// <summary>True when every name and string inside the value is valid UTF-16.</summary>
    public static bool IsValidTree(JsonElement value) => AllValid(value);

    public static bool IsValid(JsonElement value) =>
        value.ValueKind != JsonValueKind.String || TryText(() => value.GetString(), out _);

    private static string Where(string path) => path.Length == 0 ? "the request" : $"field `{path}`";

    private static bool TryText(Func<string?> read, out string text)
    {
        try
        {
            text = read() ?? "";
            return true;
        }
        catch (InvalidOperationException)
        {
            text = "";
            return false;
        }
    }
}
