using System.CommandLine;
using Micrograd.Expressions.Cli.Operations;

namespace Micrograd.Expressions.Cli.Commands;

/// <summary><c>mgx diff FORMULA [--wrt x] [--order n] [--format f]</c>: prints symbolic derivatives.</summary>
internal static class DiffCommand
{
    public static Command Create(ConsoleIO io)
    {
        var formula = Bindings.FormulaArgument();
        var wrt = new Option<string?>("--wrt") { Description = "The parameter to differentiate by (default: every parameter, one line each)." };
        var order = new Option<int>("--order")
        {
            Description = $"How many times to differentiate (0 to FormulaOptions.MaxOrder, {FormulaOptions.Default.MaxOrder}).",
            DefaultValueFactory = _ => 1,
        }.Require<Option<int>, int>(DiffRequest.IsValidOrder, DiffRequest.OrderRequirement);
        var format = new Option<string>("--format")
        {
            Description = "Output dialect: formula (default), latex, csharp, dynamic-linq, sql or mathml.",
            DefaultValueFactory = _ => "formula",
        }.Require<Option<string>, string>(f => Formula.TryParseDialect(f, out _), $"one of {Formula.DialectNames}");
        var command = new Command("diff", "Differentiate a formula symbolically and print the simplified derivative.")
        {
            formula,
            wrt,
            order,
            format,
        };
        var definitions = Definitions.AddTo(command);
        command.SetAction(result => Report.Run(io, () =>
        {
            var f = Formula.Parse(result.GetValue(formula)!, definitions.Read(result));
            var n = result.GetValue(order);
            var reply = Ops.Diff(new DiffRequest(f, result.GetValue(wrt), n, result.GetValue(format)));
            if (reply.Wrt is not null || reply.Derivatives.Count == 1)
            {
                io.Out.WriteLine(reply.Derivatives[0].Text);
                return;
            }

            if (reply.Derivatives.Count == 0)
            {
                // as the batch op: no parameters, no derivatives (stdout stays empty for scripts)
                Failures.Say(io.Error, $"`{f}` has no parameters, so it has no derivatives; --wrt NAME gives the derivative by a name (0)");
                return;
            }

            foreach (var (p, d) in reply.Derivatives)
            {
                var label = n == 1 ? $"d/d{p}" : $"d^{n}/d{p}^{n}";
                io.Out.WriteLine($"{label} = {d}");
            }
        }));
        return command;
    }
}
