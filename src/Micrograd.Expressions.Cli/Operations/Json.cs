using System.Text.Json;

namespace Micrograd.Expressions.Cli.Operations;

/// <summary>The one writer of JSON lines: batch responses and every command's <c>--json</c> output.</summary>
internal static class Json
{
    /// <summary>One JSON object, written by <paramref name="write"/>, as a line of text.</summary>
    public static string Line(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>A reply as one JSON object on one line.</summary>
    public static string Line(IReply reply) => Line(reply.Write);

    /// <summary>Writes a double as a JSON number, or as "NaN", "Infinity", "-Infinity".</summary>
    public static void WriteNumber(Utf8JsonWriter writer, string name, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumber(name, value);
        }
        else
        {
            writer.WriteString(name, double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }
}
