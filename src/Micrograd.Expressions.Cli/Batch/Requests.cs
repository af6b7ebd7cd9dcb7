using Micrograd.Expressions.Calculus;
using Micrograd.Expressions.Cli.Operations;

namespace Micrograd.Expressions.Cli.Batch;

/// <summary>The batch ops: each reads its request's fields and calls the operation's one handler in <see cref="Ops"/>.</summary>
internal static class Requests
{
    public static IReply Eval(Request request) => Ops.Eval(request.Formula(), request.Point());

    public static IReply Parse(Request request) => Ops.Parse(request.Formula());

    public static IReply Diff(Request request)
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

        return Ops.Diff(formula, request.OptionalString("wrt"), order, format);
    }

    public static IReply Check(Request request)
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
            throw new RequestException($"field `h` must be a positive finite number, not {Values.Describe(step)}");
        }

        return Ops.Check(formula, request.Point(), method, h);
    }

    public static IReply Grad(Request request) => Ops.Grad(request.Formula(), request.Point());
}
