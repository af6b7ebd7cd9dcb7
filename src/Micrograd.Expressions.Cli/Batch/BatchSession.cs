using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions.Cli.Batch;

/// <summary>
/// The JSON Lines protocol: one request object per line in, one response object per line out, in order and
/// flushed. A request that cannot be served gets <c>{"id": ..., "error": {...}}</c> and the session goes on.
/// </summary>
public static class BatchSession
{
    /// <summary>Serves requests until the end of <paramref name="input"/>.</summary>
    /// <param name="input">Requests, one JSON object per line.</param>
    /// <param name="output">Responses, one JSON object per line.</param>
    public static void Run(TextReader input, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        while (input.ReadLine() is { } line)
        {
            output.WriteLine(Handle(line));
            output.Flush();
        }
    }

    /// <summary>Answers one request line.</summary>
    /// <param name="line">The request text.</param>
    /// <returns>The response, one line of JSON.</returns>
    public static string Handle(string line)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            Answer(line, writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Answer(string line, Utf8JsonWriter writer)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            WriteError(writer, "request", string.IsNullOrWhiteSpace(line) ? "empty request line" : $"malformed JSON: {e.Message}");
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                WriteError(writer, "request", $"a request must be a JSON object, not {root.ValueKind.ToString().ToLowerInvariant()}");
                return;
            }

            if (root.TryGetProperty("id", out var id))
            {
                writer.WritePropertyName("id");
                id.WriteTo(writer);
            }

            try
            {
                var request = new Request(root);
                var respond = request.String("op") switch
                {
                    "eval" => Ops.Eval(request),
                    "parse" => Ops.Parse(request),
                    "diff" => Ops.Diff(request),
                    "check" => Ops.Check(request),
                    "grad" => Ops.Grad(request),
                    var op => throw new RequestException($"unknown op `{op}`; the ops are eval, parse, diff, check, grad"),
                };
                respond(writer);
            }
            catch (RequestException e)
            {
                WriteError(writer, "request", e.Message);
            }
            catch (FormulaSyntaxException e)
            {
                WriteError(writer, Kind(e.Kind), e.Message, e.Line, e.Column);
            }
            catch (FormulaException e)
            {
                WriteError(writer, Kind(e.Kind), e.Message);
            }
            catch (FormatException e)
            {
                WriteError(writer, "request", e.Message);
            }
        }
    }

    private static string Kind(FormulaErrorKind kind) => kind switch
    {
        FormulaErrorKind.Name => "name",
        FormulaErrorKind.Arity => "arity",
        _ => "syntax",
    };

    private static void WriteError(Utf8JsonWriter writer, string kind, string message, int? line = null, int? column = null)
    {
        writer.WriteStartObject("error");
        writer.WriteString("kind", kind);
        writer.WriteString("message", message);
        if (line is { } l && column is { } c)
        {
            writer.WriteNumber("line", l);
            writer.WriteNumber("column", c);
        }

        writer.WriteEndObject();
    }
}
