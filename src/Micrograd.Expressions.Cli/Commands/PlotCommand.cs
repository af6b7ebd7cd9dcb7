using System.CommandLine;
using Micrograd.Expressions.Calculus;
using Micrograd.Expressions.Syntax;
using ScottPlot;

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
            if (f.Parameters.Count != 1)
            {
                throw new FormulaException(FormulaErrorKind.Arity, $"plot needs a formula of one parameter; this one has {f.Parameters.Count} ({string.Join(", ", f.Parameters)})");
            }

            var (w, h) = (result.GetValue(width), result.GetValue(height));

            var plot = result.GetValue(sweep) is { } at
                ? Sweep(f, text, at)
                : Curves(f, text, result.GetValue(from), result.GetValue(to), result.GetValue(step), result.GetValue(derivative), result.GetValue(tangent));
            var file = result.GetValue(output)!;
            Bindings.CheckDirectory(file);
            switch (file.Extension.ToLowerInvariant())
            {
                case ".png":
                    plot.SavePng(file.FullName, w, h);
                    break;
                case ".svg":
                    plot.SaveSvg(file.FullName, w, h);
                    break;
                default:
                    throw new UsageException($"unknown picture type `{file.Extension}`; use .png or .svg");
            }

            io.Out.WriteLine($"wrote {file.FullName}");
        }));
        return command;
    }

    private static Plot Curves(Formula f, string text, double from, double to, double step, bool withDerivative, double? tangentAt)
    {
        if (!(step > 0) || !(to > from) || !double.IsFinite(to - from) || (to - from) / step > 1_000_000)
        {
            throw new UsageException("plot needs finite --from < --to and a positive --step giving at most 1,000,000 points");
        }

        var name = f.Parameters[0];
        var xs = Enumerable.Range(0, (int)Math.Floor(((to - from) / step) + 1e-9) + 1).Select(i => from + (i * step)).ToArray();
        var plot = new Plot();
        var curve = plot.Add.Scatter(xs, Values(f, xs));
        curve.LegendText = $"f({name}) = {text}";
        if (withDerivative || tangentAt is not null)
        {
            var df = f.Derivative(name);
            if (withDerivative)
            {
                var slope = plot.Add.Scatter(xs, Values(df, xs));
                slope.LegendText = $"f'({name}) = {df}";
            }

            if (tangentAt is { } x0)
            {
                var (y0, m) = (f.Evaluate(x0), df.Evaluate(x0));
                var line = plot.Add.Scatter(xs, [.. xs.Select(x => y0 + (m * (x - x0)))]);
                line.LegendText = $"tangent at {name} = {NumberText.Format(x0)}: slope {NumberText.Format(m)}";
                line.LinePattern = LinePattern.Dashed;
                plot.Add.Marker(x0, y0);
            }
        }

        plot.Title(text);
        plot.XLabel(name);
        plot.YLabel($"f({name})");
        plot.ShowLegend();
        return plot;
    }

    private static Plot Sweep(Formula f, string text, double at)
    {
        var rows = DerivativeChecker.Sweep(f, new Dictionary<string, double> { [f.Parameters[0]] = at }, f.Parameters[0]);
        var usable = rows.Where(r => r.AbsoluteError > 0 && double.IsFinite(r.AbsoluteError)).ToList();
        var plot = new Plot();
        var errors = plot.Add.Scatter(usable.Select(r => Math.Log10(r.Step)).ToArray(), usable.Select(r => Math.Log10(r.AbsoluteError)).ToArray());
        errors.LegendText = "forward difference: |numeric - symbolic|";
        plot.Title($"finite-difference error of {text} at {f.Parameters[0]} = {NumberText.Format(at)}");
        plot.XLabel("log10 h");
        plot.YLabel("log10 |error|");
        plot.ShowLegend();
        return plot;
    }

    private static double[] Values(Formula f, double[] xs)
    {
        var ys = new double[xs.Length];
        f.EvaluateBatch(xs, ys);
        return ys;
    }
}
