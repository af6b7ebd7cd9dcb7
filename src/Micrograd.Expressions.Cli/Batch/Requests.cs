using Micrograd.Expressions.Calculus;
using Micrograd.Expressions.Cli.Operations;

namespace Micrograd.Expressions.Cli.Batch;

/// <summary>
/// The batch ops: each reads its request's fields into the operation's request (<c>Operations/Requests.cs</c>),
/// which checks them, and calls the operation's one handler in <see cref="Ops"/>.
/// </summary>
internal static class Requests
{
    /// <summary>The reply to <paramref name="op"/>, one of the ops that answer from the request alone (all but <c>define</c>).</summary>
    public static IReply Answer(string op, Request request) => op switch
    {
        "eval" => Ops.Eval(new EvalRequest(request.Formula(), request.Point())),
        "parse" => Ops.Parse(new ParseRequest(request.Formula())),
        "diff" => Diff(request),
        "check" => Check(request),
        "grad" => Ops.Grad(new GradRequest(request.Formula(), request.Point())),
        _ => throw new RequestException($"unknown op `{op}`; the ops are eval, parse, diff, check, grad, define"),
    };

    // each field is checked as it is read, in this order, so a request wrong in two fields is answered for the first

    private static Differentiated Diff(Request request)
    {
        var formula = request.Formula();
        var order = DiffRequest.CheckedOrder(request.OptionalInt("order") ?? 1);
        var format = DiffRequest.CheckedFormat(request.OptionalString("format"));
        return Ops.Diff(new DiffRequest(formula, request.OptionalString("wrt"), order, format));
    }

    private static Checked Check(Request request)
    {
        var formula = request.Formula();
        var method = Choices.Method(request.OptionalString("method"), DifferenceMethod.Central);
        var h = CheckRequest.CheckedStep(request.OptionalDouble("h"));
        return Ops.Check(new CheckRequest(formula, request.Point(), method, h));
    }
}
