using System.Text.Json;
using Micrograd.Expressions.Calculus;
using Micrograd.Expressions.Cli.Commands;

namespace Micrograd.Expressions.Cli.Batch;

/// <summary>The batch operations; each reads its request and returns the writer of its response fields.</summary>
internal static class Ops
{
    public static Action<Utf8JsonWriter> Eval(Request request)
    {
        var formula = request.Formula();
        var value = formula.Evaluate(request.Point());
        return writer => WriteNumber(writer, "value", value);
    }

    public static Action<Utf8JsonWriter> Parse(Request request)
    {
        var formula = request.Formula();
        return writer =>
        {
            writer.WriteString("canonical", formula.ToString());
            writer.WriteStartArray("parameters");
            foreach (var p in formula.Parameters)
            {
                writer.WriteStringValue(p);
            }

            writer.WriteEndArray();
        };
    }

    public static Action<Utf8JsonWriter> Diff(Request request)
    {
        var formula = request.Formula();
        var order = request.OptionalInt("order") ?? 1;
        if (order < 0)
        {
            throw new RequestException("field `order` must be 0 or more");
        }

        var format = request.OptionalString("format");
        if (format is not null && !Formula.TryParseDialect(format, out _))
        {
            throw new RequestException($"field `format` must be one of {Formula.DialectNames}, not `{format}`");
        }

        if (request.OptionalString("wrt") is { } wrt)
        {
            var derivative = formula.Derivative(wrt, order).ToString(format);
            return writer => writer.WriteString("derivative", derivative);
        }

        var all = formula.Parameters.Select(p => (p, formula.Derivative(p, order).ToString(format))).ToList();
        return writer =>
        {
            writer.WriteStartObject("derivatives");
            foreach (var (p, d) in all)
            {
                writer.WriteString(p, d);
            }

            writer.WriteEndObject();
        };
    }

    public static Action<Utf8JsonWriter> Check(Request request)
    {
        var formula = request.Formula();
        var method = request.OptionalString("method") switch
        {
            null => DifferenceMethod.Central,
            var m when Choices.TryMethod(m, out var parsed) => parsed,
            var m => throw new RequestException($"field `method` must be one of {Choices.Methods}, not `{m}`"),
        };
        var h = request.OptionalDouble("h");
        if (h is { } step && !FiniteDifferences.IsValidStep(step))
        {
            throw new RequestException($"field `h` must be a positive finite number, not {Bindings.Describe(step)}");
        }

        var check = DerivativeChecker.Check(formula, request.Point(), method, h);
        return writer => WriteCheck(writer, check);
    }

    public static Action<Utf8JsonWriter> Grad(Request request)
    {
        var formula = request.Formula();
        var pass = formula.Backpropagate(request.Point());
        return writer => WriteGrad(writer, pass);
    }

    /// <summary>Writes value, gradient (every parameter) and nodes (let-bound names) of a backward pass.</summary>
    public static void WriteGrad(Utf8JsonWriter writer, BackpropResult pass)
    {
        WriteNumber(writer, "value", pass.Value);
        writer.WriteStartObject("gradient");
        foreach (var (name, g) in pass.Gradient)
        {
            WriteNumber(writer, name, g);
        }

        writer.WriteEndObject();
        writer.WriteStartObject("nodes");
        foreach (var node in pass.Nodes.Where(n => !pass.Gradient.ContainsKey(n.Name)))
        {
            writer.WriteStartObject(node.Name);
            WriteNumber(writer, "value", node.Value);
            WriteNumber(writer, "grad", node.Grad);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    /// <summary>One JSON object, written by <paramref name="write"/>, as a line of text.</summary>
    public static string Json(Action<Utf8JsonWriter> write)
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

    /// <summary>Writes the rows of a derivative check and the overall verdict.</summary>
    public static void WriteCheck(Utf8JsonWriter writer, DerivativeCheckResult check, bool? ok = null)
    {
        writer.WriteStartArray("rows");
        foreach (var r in check.Rows)
        {
            writer.WriteStartObject();
            writer.WriteString("variable", r.Variable);
            WriteNumber(writer, "at", r.Point);
            writer.WriteString("derivative", r.Derivative);
            WriteNumber(writer, "symbolic", r.Symbolic);
            WriteNumber(writer, "numeric", r.Numeric.Value);
            WriteNumber(writer, "errorEstimate", r.Numeric.Error);
            WriteNumber(writer, "absError", r.AbsoluteError);
            WriteNumber(writer, "relError", r.RelativeError);
            writer.WriteBoolean("ok", r.Ok);
            if (r.Numeric.Artifact is { } artifact)
            {
                writer.WriteString("artifact", artifact);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteBoolean("ok", ok ?? check.Ok);
    }

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
