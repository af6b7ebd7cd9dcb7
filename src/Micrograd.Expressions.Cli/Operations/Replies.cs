using System.Text.Json;
using Micrograd.Expressions.Calculus;
using Micrograd.Expressions.Nn;

namespace Micrograd.Expressions.Cli.Operations;

/// <summary>The result of an operation, which writes itself as the fields of a batch response.</summary>
internal interface IReply
{
    /// <summary>Writes the reply's fields into the open response object.</summary>
    void Write(Utf8JsonWriter writer);
}

/// <summary>The reply of <c>eval</c>: <c>"value"</c>.</summary>
internal sealed record Evaluated(double Value) : IReply
{
    public void Write(Utf8JsonWriter writer) => Json.WriteNumber(writer, "value", Value);
}

/// <summary>The reply of <c>parse</c>: <c>"canonical"</c> and <c>"parameters"</c>.</summary>
internal sealed record Parsed(string Canonical, IReadOnlyList<string> Parameters) : IReply
{
    public void Write(Utf8JsonWriter writer)
    {
        writer.WriteString("canonical", Canonical);
        writer.WriteStartArray("parameters");
        foreach (var p in Parameters)
        {
            writer.WriteStringValue(p);
        }

        writer.WriteEndArray();
    }
}

/// <summary>
/// The reply of <c>diff</c>: <c>"derivative"</c> when a variable was named, else <c>"derivatives"</c>, one per
/// parameter (an empty object for a formula without parameters).
/// </summary>
internal sealed record Differentiated(string? Wrt, IReadOnlyList<(string Parameter, string Text)> Derivatives) : IReply
{
    public void Write(Utf8JsonWriter writer)
    {
        if (Wrt is not null)
        {
            writer.WriteString("derivative", Derivatives[0].Text);
            return;
        }

        writer.WriteStartObject("derivatives");
        foreach (var (p, d) in Derivatives)
        {
            writer.WriteString(p, d);
        }

        writer.WriteEndObject();
    }
}

/// <summary>The reply of <c>check</c> (and the fields of <see cref="Scanned"/>): the rows and the verdict.</summary>
/// <param name="Check">The rows.</param>
/// <param name="Ok">The verdict when it is not the rows' own (a scan reports its worst rows and the verdict of all).</param>
internal sealed record Checked(DerivativeCheckResult Check, bool? Ok = null) : IReply
{
    public void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartArray("rows");
        foreach (var r in Check.Rows)
        {
            writer.WriteStartObject();
            writer.WriteString("variable", r.Variable);
            Json.WriteNumber(writer, "at", r.Point);
            writer.WriteString("derivative", r.Derivative);
            Json.WriteNumber(writer, "symbolic", r.Symbolic);
            Json.WriteNumber(writer, "numeric", r.Numeric.Value);
            Json.WriteNumber(writer, "errorEstimate", r.Numeric.Error);
            Json.WriteNumber(writer, "absError", r.AbsoluteError);
            Json.WriteNumber(writer, "relError", r.RelativeError);
            writer.WriteBoolean("ok", r.Ok);
            if (r.Numeric.Artifact is { } artifact)
            {
                writer.WriteString("artifact", artifact);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteBoolean("ok", Ok ?? Check.Ok);
    }
}

/// <summary>The reply of <c>grad</c>: <c>"value"</c>, <c>"gradient"</c> (every parameter) and <c>"nodes"</c> (let-bound names).</summary>
internal sealed record Backpropagated(BackpropResult Pass) : IReply
{
    public void Write(Utf8JsonWriter writer)
    {
        Json.WriteNumber(writer, "value", Pass.Value);
        writer.WriteStartObject("gradient");
        foreach (var (name, g) in Pass.Gradient)
        {
            Json.WriteNumber(writer, name, g);
        }

        writer.WriteEndObject();
        writer.WriteStartObject("nodes");
        foreach (var node in Pass.Nodes.Where(n => !Pass.Gradient.ContainsKey(n.Name)))
        {
            writer.WriteStartObject(node.Name);
            Json.WriteNumber(writer, "value", node.Value);
            Json.WriteNumber(writer, "grad", node.Grad);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }
}

/// <summary>The reply of <c>define</c>: <c>"defined"</c>, the names the request added to the session.</summary>
internal sealed record Defined(IReadOnlyList<string> Names) : IReply
{
    public void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartArray("defined");
        foreach (var name in Names)
        {
            writer.WriteStringValue(name);
        }

        writer.WriteEndArray();
    }
}

/// <summary>The reply of <c>check --scan</c>: every row, worst first; written as <c>check</c>'s fields with the worst ten rows and the verdict of all.</summary>
/// <param name="Points">How many points were checked.</param>
/// <param name="Rows">Every row, worst first.</param>
internal sealed record Scanned(int Points, IReadOnlyList<DerivativeCheckRow> Rows) : IReply
{
    /// <summary>The rows reported.</summary>
    public IReadOnlyList<DerivativeCheckRow> Worst => [.. Rows.Take(10)];

    /// <summary>True when every row agrees.</summary>
    public bool Ok => Rows.All(r => r.Ok);

    public void Write(Utf8JsonWriter writer) => new Checked(new DerivativeCheckResult(Worst), Ok).Write(writer);
}

/// <summary>The reply of <c>check --sweep</c>: <c>"sweep"</c>, one row per step.</summary>
/// <param name="Request">What was swept.</param>
/// <param name="Rows">One row per step, largest first.</param>
internal sealed record Swept(SweepRequest Request, IReadOnlyList<SweepRow> Rows) : IReply
{
    public void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartArray("sweep");
        foreach (var r in Rows)
        {
            writer.WriteStartObject();
            writer.WriteNumber("h", r.Step);
            Json.WriteNumber(writer, "numeric", r.Numeric.Value);
            Json.WriteNumber(writer, "absError", r.AbsoluteError);
            if (r.Numeric.Artifact is { } a)
            {
                writer.WriteString("artifact", a);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}

/// <summary>One step of <c>train</c>: <c>"step"</c>, <c>"loss"</c> and <c>"accuracy"</c>.</summary>
/// <param name="Step">The step.</param>
internal sealed record Trained(TrainingStep Step) : IReply
{
    public void Write(Utf8JsonWriter writer)
    {
        writer.WriteNumber("step", Step.Step);
        Json.WriteNumber(writer, "loss", Step.Loss);
        Json.WriteNumber(writer, "accuracy", Step.Accuracy);
    }
}

/// <summary>The reply of <c>graph</c> and <c>plot</c> (neither has <c>--json</c>): the DOT text of a graph and the file written, if any.</summary>
/// <param name="Dot">The graph as DOT text; null for a plot.</param>
/// <param name="File">The file written; null when nothing was written.</param>
internal sealed record Drawn(string? Dot, FileInfo? File);
