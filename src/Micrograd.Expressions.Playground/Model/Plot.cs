using System.Globalization;
using System.Text;

namespace Micrograd.Expressions.Playground.Model;

/// <summary>A gap of the plot: an interval of x where f or f' is not a finite number.</summary>
/// <param name="From">Its left end, in pixels.</param>
/// <param name="To">Its right end, in pixels.</param>
/// <param name="Label">What is missing there, for the mark's title.</param>
public sealed record Gap(double From, double To, string Label);

/// <summary>
/// The plot of f and f' over a range, with the tangent at x0, as SVG path data in pixels: curves broken where the
/// value is NaN or infinite (those intervals are returned as gaps, marked on the picture); f(x0) and the slope f'(x0).
/// </summary>
public sealed record Plot(string F, string Derivative, string Tangent, IReadOnlyList<Gap> Gaps, double PointX, double PointY,
    double YMin, double YMax, IReadOnlyList<(double Pixel, string Label)> XTicks, IReadOnlyList<(double Pixel, string Label)> YTicks,
    double Value, double Slope)
{
    /// <summary>The picture's width in pixels.</summary>
    public const double Width = 640;

    /// <summary>The picture's height in pixels.</summary>
    public const double Height = 340;

    private const int Samples = 400;

    /// <summary>Samples f and its derivative and draws them.</summary>
    /// <param name="f">f of the plotted parameter (the others fixed), at every x of an array at once.</param>
    /// <param name="df">f' of the plotted parameter, at every x of an array at once.</param>
    /// <param name="xMin">The range's left end.</param>
    /// <param name="xMax">The range's right end.</param>
    /// <param name="x0">The tangent's point.</param>
    /// <returns>The picture's parts.</returns>
    public static Plot Draw(Func<double[], double[]> f, Func<double[], double[]> df, double xMin, double xMax, double x0)
    {
        // the samples and x0 last, in one batch each
        double[] xs = [.. Enumerable.Range(0, Samples + 1).Select(i => xMin + ((xMax - xMin) * i / Samples)), x0];
        var (ys, ds) = (f(xs), df(xs));
        var (y0, slope) = (ys[^1], ds[^1]);
        (xs, ys, ds) = (xs[..^1], ys[..^1], ds[..^1]);
        var (low, high) = Bounds([.. ys, .. ds, y0]);
        double Px(double x) => (x - xMin) / (xMax - xMin) * Width;
        double Py(double y) => Height - ((Math.Clamp(y, low - (high - low), high + (high - low)) - low) / (high - low) * Height);
        var gaps = FindGaps(xs, ys, "f", Px).Concat(FindGaps(xs, ds, "f'", Px)).ToList();
        var tangent = double.IsFinite(y0) && double.IsFinite(slope)
            ? Path([xMin, xMax], [y0 + (slope * (xMin - x0)), y0 + (slope * (xMax - x0))], Px, Py)
            : "";
        return new Plot(Path(xs, ys, Px, Py), Path(xs, ds, Px, Py), tangent, gaps, Px(x0), double.IsFinite(y0) ? Py(y0) : double.NaN,
            low, high, Ticks(xMin, xMax, Px), Ticks(low, high, Py), y0, slope);
    }

    // the y range: the finite values, the outer 2% left out so that a pole does not flatten the rest
    private static (double Low, double High) Bounds(double[] values)
    {
        var finite = values.Where(double.IsFinite).Order().ToArray();
        if (finite.Length == 0)
        {
            return (-1, 1);
        }

        var cut = finite.Length / 50;
        var (low, high) = (finite[cut], finite[finite.Length - 1 - cut]);
        if (high - low < 1e-9 * Math.Max(1, Math.Abs(high)))
        {
            (low, high) = (low - 1, high + 1);
        }

        var margin = (high - low) * 0.05;
        return (low - margin, high + margin);
    }

    private static IEnumerable<Gap> FindGaps(double[] xs, double[] ys, string name, Func<double, double> px)
    {
        var start = -1;
        for (var i = 0; i <= ys.Length; i++)
        {
            var missing = i < ys.Length && !double.IsFinite(ys[i]);
            if (missing && start < 0)
            {
                start = i;
            }
            else if (!missing && start >= 0)
            {
                var (from, to) = (xs[Math.Max(0, start - 1)], xs[Math.Min(xs.Length - 1, i)]);
                yield return new Gap(px(from), px(to), $"{name} is not a number for x in [{Number(xs[start])}, {Number(xs[i - 1])}]");
                start = -1;
            }
        }
    }

    // one path, broken (a new M) after every value that is not finite
    private static string Path(double[] xs, double[] ys, Func<double, double> px, Func<double, double> py)
    {
        var sb = new StringBuilder();
        var pen = false;
        for (var i = 0; i < xs.Length; i++)
        {
            if (!double.IsFinite(ys[i]))
            {
                pen = false;
                continue;
            }

            sb.Append(pen ? " L" : " M").Append(Pixel(px(xs[i]))).Append(' ').Append(Pixel(py(ys[i])));
            pen = true;
        }

        return sb.ToString().Trim();
    }

    private static IReadOnlyList<(double, string)> Ticks(double low, double high, Func<double, double> place)
    {
        var step = Math.Pow(10, Math.Floor(Math.Log10((high - low) / 4)));
        if ((high - low) / step > 10)
        {
            step *= (high - low) / step > 20 ? 5 : 2;
        }

        var ticks = new List<(double, string)>();
        for (var t = Math.Ceiling(low / step) * step; t <= high && ticks.Count < 20; t += step)
        {
            ticks.Add((place(t), Number(Math.Abs(t) < step / 1e6 ? 0 : t)));
        }

        return ticks;
    }

    /// <summary>A number as the page writes it (invariant culture, up to 6 significant digits).</summary>
    /// <param name="value">The number.</param>
    /// <returns>The text.</returns>
    public static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>A pixel coordinate for SVG (invariant culture, two decimals).</summary>
    /// <param name="value">The coordinate.</param>
    /// <returns>The text.</returns>
    public static string Pixel(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
