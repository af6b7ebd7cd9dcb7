using System.Globalization;
using Micrograd.Expressions.Calculus;
using Micrograd.Expressions.Nn;
using Micrograd.Expressions.Syntax;
using ScottPlot;
using SkiaSharp;

namespace Micrograd.Expressions.Cli.Operations;

/// <summary>The pictures of <c>mgx plot</c> and <c>mgx train --plot</c> (ScottPlot).</summary>
internal static class Pictures
{
    /// <summary>f over the range, with f' and a tangent when asked.</summary>
    public static Plot Curves(Formula f, string text, double from, double to, double step, bool withDerivative, double? tangentAt)
    {
        if (!(step > 0) || !(to > from) || !double.IsFinite(to - from) || (to - from) / step > 1_000_000)
        {
            throw new RequestException("plot needs finite --from < --to and a positive --step giving at most 1,000,000 points");
        }

        var name = f.Parameters[0];
        var xs = Enumerable.Range(0, (int)Math.Floor(((to - from) / step) + 1e-9) + 1).Select(i => from + (i * step)).ToArray();
        var plot = new Plot();
        var curve = plot.Add.Scatter(xs, Sample(f, xs));
        curve.LegendText = $"f({name}) = {text}";
        if (withDerivative || tangentAt is not null)
        {
            var df = f.Derivative(name);
            if (withDerivative)
            {
                var slope = plot.Add.Scatter(xs, Sample(df, xs));
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

    /// <summary>The forward-difference error of f at <paramref name="at"/> against the step, log-log.</summary>
    public static Plot Sweep(Formula f, string text, double at)
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

    private static double[] Sample(Formula f, double[] xs)
    {
        var ys = new double[xs.Length];
        f.EvaluateBatch(xs, ys);
        return ys;
    }

    /// <summary>The demo's picture: the sign of the score on a grid behind the points, and the loss per step.</summary>
    public static void Training(Trainer trainer, LabelledPoints points, List<TrainingStep> history, FileInfo file)
    {
        var boundary = new Plot();
        var (xs, ys) = (points.Inputs.Select(p => p[0]).ToArray(), points.Inputs.Select(p => p[1]).ToArray());
        var (x0, x1, y0, y1) = (xs.Min() - 0.5, xs.Max() + 0.5, ys.Min() - 0.5, ys.Max() + 0.5);
        const int grid = 60;
        var scores = new double[grid, grid];
        for (var i = 0; i < grid; i++)
        {
            for (var j = 0; j < grid; j++)
            {
                var score = trainer.Score([x0 + ((x1 - x0) * j / (grid - 1)), y1 - ((y1 - y0) * i / (grid - 1))]);
                scores[i, j] = score > 0 ? 1 : -1;
            }
        }

        var heatmap = boundary.Add.Heatmap(scores);
        heatmap.Extent = new CoordinateRect(x0, x1, y0, y1);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.Opacity = 0.35;
        foreach (var label in points.Labels.Distinct())
        {
            var at = Enumerable.Range(0, points.Labels.Count).Where(k => points.Labels[k] == label).ToList();
            var markers = boundary.Add.Markers(at.Select(k => xs[k]).ToArray(), at.Select(k => ys[k]).ToArray());
            markers.LegendText = $"y = {label.ToString(CultureInfo.InvariantCulture)}";
        }

        boundary.Title("decision boundary");
        boundary.ShowLegend();

        var curve = new Plot();
        var line = curve.Add.Scatter(history.Select(s => (double)s.Step).ToArray(), history.Select(s => s.Loss).ToArray());
        line.LegendText = "loss";
        curve.Title("loss per step");
        curve.XLabel("step");
        curve.YLabel("loss");

        var both = new Multiplot();
        while (both.Subplots.Count > 0)
        {
            both.Subplots.RemoveAt(0);
        }

        both.Subplots.Add(boundary);
        both.Subplots.Add(curve);
        both.Layout = new ScottPlot.MultiplotLayouts.Columns();
        const int width = 1200;
        const int height = 500;
        if (file.Extension.Equals(".png", StringComparison.OrdinalIgnoreCase))
        {
            both.SavePng(file.FullName, width, height);
            return;
        }

        using var stream = File.Create(file.FullName);
        using var canvas = SKSvgCanvas.Create(new SKRect(0, 0, width, height), stream);
        both.Render(canvas, new PixelRect(0, width, height, 0));
    }
}
