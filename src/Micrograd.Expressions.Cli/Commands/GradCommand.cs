using System.CommandLine;
using Micrograd.Expressions.Cli.Operations;
using Micrograd.Expressions.Syntax;
using Spectre.Console;

namespace Micrograd.Expressions.Cli.Commands;

/// <summary><c>mgx grad FORMULA a=2 ...</c>: value and gradient of every input and named intermediate, by backpropagation.</summary>
internal static class GradCommand
{
    public static Command Create(ConsoleIO io)
    {
        var formula = Bindings.FormulaArgument("let e = a*b; let d = e + c; d * f");
        var bindings = Bindings.Argument();
        var json = new Option<bool>("--json") { Description = "Print JSON (the batch op grad's response) instead of a table." };
        var command = new Command("grad", "Backpropagate: the value, and the gradient of the output with respect to every input and let-bound name.")
        {
            formula, bindings, json,
        };
        var definitions = Definitions.AddTo(command);
        command.SetAction(result => Report.Run(io, () =>
        {
            var f = Formula.Parse(result.GetValue(formula)!, definitions.Read(result));
            var reply = Ops.Grad(new GradRequest(f, Bindings.Read(result.GetValue(bindings) ?? [])));
            var pass = reply.Pass;
            if (result.GetValue(json))
            {
                io.Out.WriteLine(Json.Line(reply));
                return;
            }

            io.Out.WriteLine($"value = {NumberText.Format(pass.Value)}");
            var table = new Table().Border(TableBorder.Markdown).AddColumns("node", "value", "grad");
            foreach (var node in pass.Nodes)
            {
                table.AddRow(Markup.Escape(node.Name), NumberText.Format(node.Value), NumberText.Format(node.Grad));
            }

            Terminal.Write(io.Out, table);
        }));
        return command;
    }
}
