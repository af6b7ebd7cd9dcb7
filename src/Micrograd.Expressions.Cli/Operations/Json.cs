using System.Buffers;
using System.Text.Json;

namespace Micrograd.Expressions.Cli.Operations;

/// <summary>The one writer of JSON lines: batch responses and every command's <c>--json</c> output.</summary>
internal static class Json
{
    /// <summary>One JSON object, written by <paramref name="write"/>, as a line of text.</summary>
    public static string Line(Action<Utf8JsonWriter> write)
    {
        // a batch session writes a line per request: the buffer and the writer are kept for the thread's next line
        // (taken while in use, so a line written while writing another gets its own)
        var (buffer, writer) = cached ?? New();
        cached = null;
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        writer.WriteStartObject();
        write(writer);
        writer.WriteEndObject();
        writer.Flush();
        var line = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        cached = buffer.Capacity <= 64 * 1024 ? (buffer, writer) : null;
        return line;
    }

    private static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer) New()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        return (buffer, new Utf8JsonWriter(buffer, Options));
    }

    private static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [ThreadStatic]
    private static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer)? cached;

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
