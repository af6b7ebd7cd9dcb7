using System.CommandLine;

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
        }.Require<Option<int>, int>(n => n >= 0 && n <= FormulaOptions.Default.MaxOrder, $"a whole number from 0 to {FormulaOptions.Default.MaxOrder}");
        var format = new Option<string>("--format")
        {
            Description = "Output dialect: formula (default), latex, csharp, dynamic-linq or sql.",
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
            var dialect = result.GetValue(format);
            Formula.ParseDialect(dialect);
            var variable = result.GetValue(wrt);
            if (variable is not null || f.Parameters.Count == 1)
            {
                io.Out.WriteLine(f.Derivative(variable ?? f.Parameters[0], n).ToString(dialect));
                return;
            }

            if (f.Parameters.Count == 0)
            {
                io.Out.WriteLine(n == 0 ? f.ToString(dialect) : "0");
                return;
            }

            foreach (var p in f.Parameters)
            {
                var label = n == 1 ? $"d/d{p}" : $"d^{n}/d{p}^{n}";
                io.Out.WriteLine($"{label} = {f.Derivative(p, n).ToString(dialect)}");
            }
        }));
        return command;
    }
}
