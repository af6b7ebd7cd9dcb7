using System.Globalization;

namespace Micrograd.Expressions.Playground.Model;

/// <summary>The view a link reproduces: the formula, x0, the plotted range and the open tab.</summary>
/// <param name="Formula">The formula text.</param>
/// <param name="X0">x0 as typed (a number or a constant formula such as 2/3).</param>
/// <param name="XMin">The range's left end.</param>
/// <param name="XMax">The range's right end.</param>
/// <param name="Tab">The open tab.</param>
public sealed record ShareState(string Formula, string X0, double XMin, double XMax, string Tab)
{
    /// <summary>The seed's view: micrograd's first formula, the tangent at 3.</summary>
    public static ShareState Seed { get; } = new("3*x**2 - 4*x + 5", "3", -5, 5, "plot");

    /// <summary>The tabs, in order.</summary>
    public static IReadOnlyList<string> Tabs { get; } = ["plot", "fd", "check", "graph", "train"];

    /// <summary>Reads the query string (?f=...&amp;x0=...&amp;range=a,b&amp;tab=...); what is missing or unreadable keeps the seed's.</summary>
    /// <param name="query">The query, with or without its "?".</param>
    /// <returns>The state.</returns>
    public static ShareState Read(string query)
    {
        var state = Seed;
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var at = pair.IndexOf('=');
            var (key, value) = at < 0 ? (pair, "") : (pair[..at], Uri.UnescapeDataString(pair[(at + 1)..].Replace('+', ' ')));
            state = key switch
            {
                "f" => state with { Formula = value },
                "x0" => state with { X0 = value },
                "range" when Range(value) is var (low, high) => state with { XMin = low, XMax = high },
                "tab" when Tabs.Contains(value) => state with { Tab = value },
                _ => state,
            };
        }

        return state;
    }

    /// <summary>The query string of this state.</summary>
    /// <returns>"?f=...&amp;x0=...&amp;range=...&amp;tab=..."</returns>
    public string Query() =>
        $"?f={Uri.EscapeDataString(Formula)}&x0={Uri.EscapeDataString(X0)}&range={Number(XMin)},{Number(XMax)}&tab={Tab}";

    /// <summary>Reads a range "a,b" with a &lt; b, both finite.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The ends, or null.</returns>
    public static (double Low, double High)? Range(string text)
    {
        var parts = text.Split(',');
        return parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var low)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var high)
            && double.IsFinite(low) && double.IsFinite(high) && low < high
            ? (low, high)
            : null;
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
