using System.CommandLine;
using Micrograd.Expressions.Cli.Operations;
using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions.Cli.Commands;

/// <summary><c>mgx eval FORMULA name=value ...</c>: prints the value.</summary>
internal static class EvalCommand
{
    public static Command Create(ConsoleIO io)
    {
        var formula = Bindings.FormulaArgument();
        var bindings = Bindings.Argument();
        var command = new Command("eval", "Evaluate a formula. Prints the shortest text that round-trips the double (NaN, Infinity, -Infinity for IEEE specials).")
        {
            formula,
            bindings,
        };
        var definitions = Definitions.AddTo(command);
        command.SetAction(result => Report.Run(io, () =>
        {
            var f = Formula.Parse(result.GetValue(formula)!, definitions.Read(result));
            var reply = Ops.Eval(new EvalRequest(f, Bindings.Read(result.GetValue(bindings) ?? [])));
            io.Out.WriteLine(NumberText.Format(reply.Value));
        }));
        return command;
    }
}
