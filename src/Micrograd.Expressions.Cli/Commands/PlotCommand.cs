using System.CommandLine;
using Micrograd.Expressions.Cli.Operations;

namespace Micrograd.Expressions.Cli.Commands;

/// <summary>
/// <c>mgx plot FORMULA --from -5 --to 5 --step 0.25 --out f.png</c>: the seed's parabola, optionally with its
/// derivative and a tangent line; <c>--sweep</c> draws the finite-difference error against h on log-log axes.
/// </summary>
internal static class PlotCommand
{
    public static Command Create(ConsoleIO io)
    {
        var formula = new Argument<string>("formula") { Description = "A formula of one parameter, e.g. \"3*x**2 - 4*x + 5\"." };
        var from = new Option<double>("--from") { Description = "Left end of the x range.", DefaultValueFactory = _ => -5 };
        var to = new Option<double>("--to") { Description = "Right end of the x range.", DefaultValueFactory = _ => 5 };
        var step = new Option<double>("--step") { Description = "Distance between sampled points.", DefaultValueFactory = _ => 0.25 };
        var output = new Option<FileInfo>("--out") { Description = "The picture: .png or .svg.", Required = true };
        var derivative = new Option<bool>("--derivative") { Description = "Also draw the symbolic derivative f'(x)." };
        var tangent = new Option<double?>("--tangent") { Description = "Draw the tangent line at this x." };
        var sweep = new Option<double?>("--sweep") { Description = "Instead: the forward-difference error against h (1e-1 ... 1e-16) at this x, log-log." };
        var width = new Option<int>("--width") { Description = "Picture width in pixels (16 to 10000).", DefaultValueFactory = _ => 800 }
            .Require<Option<int>, int>(n => n is >= 16 and <= 10_000, "a whole number from 16 to 10000");
        var height = new Option<int>("--height") { Description = "Picture height in pixels (16 to 10000).", DefaultValueFactory = _ => 500 }
            .Require<Option<int>, int>(n => n is >= 16 and <= 10_000, "a whole number from 16 to 10000");
        var command = new Command("plot", "Plot a formula of one parameter with ScottPlot: f, optionally f' and a tangent, or the finite-difference error sweep.")
        {
            formula, from, to, step, output, derivative, tangent, sweep, width, height,
        };
        var definitions = Definitions.AddTo(command);
        command.SetAction(result => Report.Run(io, () =>
        {
            var text = result.GetValue(formula)!;
            var f = Formula.Parse(text, definitions.Read(result));
            var drawn = Ops.Plot(new PlotRequest(f, text, result.GetValue(from), result.GetValue(to), result.GetValue(step), result.GetValue(derivative),
                result.GetValue(tangent), result.GetValue(sweep), result.GetValue(output)!, result.GetValue(width), result.GetValue(height)));
            io.Out.WriteLine($"wrote {drawn.File!.FullName}");
        }));
        return command;
    }
}
