using System.CommandLine;
using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions.Cli.Commands;

/// <summary><c>mgx eval FORMULA name=value ...</c>: prints the value.</summary>
internal static class EvalCommand
{
    public static Command Create(ConsoleIO io)
    {
        var formula = new Argument<string>("formula") { Description = "The formula, e.g. \"3*x**2 - 4*x + 5\"." };
        var bindings = new Argument<string[]>("bindings")
        {
            Description = "Parameter values as name=value (value: a number or a constant formula such as 2/3).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("eval", "Evaluate a formula. Prints the shortest text that round-trips the double (NaN, Infinity, -Infinity for IEEE specials).")
        {
            formula,
            bindings,
        };
        command.SetAction(result => Report.Run(io, () =>
        {
            var f = Formula.Parse(result.GetValue(formula)!);
            var value = f.Evaluate(Bindings.Read(result.GetValue(bindings) ?? []));
            io.Out.WriteLine(NumberText.Format(value));
        }));
        return command;
    }
}
