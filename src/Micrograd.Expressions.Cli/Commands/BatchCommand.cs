using System.CommandLine;
using Micrograd.Expressions.Cli.Batch;

namespace Micrograd.Expressions.Cli.Commands;

/// <summary><c>mgx batch</c>: the JSON Lines protocol on standard input and output.</summary>
internal static class BatchCommand
{
    public static Command Create(ConsoleIO io)
    {
        var command = new Command("batch", """
            JSON Lines: one request per line on stdin, one response per line on stdout, in order.
            Ops: eval, parse, diff, check, grad, define. Example: {"id": 7, "op": "eval", "formula": "3*x**2 - 4*x + 5", "at": {"x": 3}}
            Any request may carry "define": ["softplus(x) = log(1 + exp(x))"] and "constants": {"g": 9.80665};
            the define op adds them to the session for later requests.
            See docs/embedding.md.
            """);
        command.SetAction(_ =>
        {
            BatchSession.Run(io.In, io.Out);
            return 0;
        });
        return command;
    }
}
