using System.CommandLine;
using Micrograd.Expressions.Cli.Operations;

namespace Micrograd.Expressions.Cli.Commands;

/// <summary><c>mgx graph FORMULA a=2 ... --out graph.svg</c>: the computation graph with data and grad, as micrograd's draw_dot.</summary>
internal static class GraphCommand
{
    public static Command Create(ConsoleIO io)
    {
        var formula = Bindings.FormulaArgument("let e = a*b; let d = e + c; d * f");
        var bindings = Bindings.Argument();
        var output = new Option<FileInfo?>("--out") { Description = "Where to write: .dot (DOT text), .svg or .png (rendered by Graphviz dot). Without it, DOT goes to stdout." };
        var command = new Command("graph", "Draw the expression graph left to right: each value as label | data | grad, each operation as its own node.")
        {
            formula, bindings, output,
        };
        var definitions = Definitions.AddTo(command);
        command.SetAction(result => Report.Run(io, () =>
        {
            var f = Formula.Parse(result.GetValue(formula)!, definitions.Read(result));
            var drawn = Ops.Graph(new GraphRequest(f, Bindings.Read(result.GetValue(bindings) ?? []), result.GetValue(output)));
            if (drawn.File is null)
            {
                io.Out.Write(drawn.Dot);
            }
            else
            {
                io.Out.WriteLine($"wrote {drawn.File.FullName}");
            }
        }));
        return command;
    }
}
