using System.Globalization;
using Micrograd.Expressions.Playground.Model;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace Micrograd.Expressions.Playground;

/// <summary>The page: the formula and its derivatives, the views of one formula in tabs, and the link that reproduces them.</summary>
public partial class App
{
    private static readonly (string Name, string Format)[] Dialects = [("LaTeX", "LaTeX"), ("C#", "C#"), ("SQL", "SQL"), ("MathML", "MathML")];

    private static readonly (string Tab, string Title)[] TabTitles =
        [("plot", "Plot"), ("fd", "Finite differences"), ("check", "Check"), ("graph", "Graph"), ("train", "Train (two moons)")];

    // while the visitor types, the views below wait this long after the last keystroke (the derivative does not)
    private const int TypingPause = 120;

    private ShareState state = ShareState.Seed;
    private Analysis analysis = null!;
    private double? x0;
    private string? x0Error;
    private string? copied;

    // what the open view shows: set only after the derivative is on screen (Settle), so typing never waits for it
    private PointView? point;
    private int settling;
    private bool settled;

    private string ShareLink => Navigation.BaseUri + state.Query();

    /// <inheritdoc/>
    protected override Task OnInitializedAsync()
    {
        // the first render shows the formula and its derivatives; the open view is computed once they are painted
        state = ShareState.Read(new Uri(Navigation.Uri).Query);
        analysis = Analysis.Of(state.Formula);
        ReadX0();
        return Settle(0, publish: false);
    }

    /// <inheritdoc/>
    protected override void OnAfterRender(bool firstRender)
    {
        // performance marks for the browser tests' account of the first render and of typing
        Browser.Mark(firstRender ? "playground-first-render" : "playground-render", 0);
    }

    private Task OnFormula(ChangeEventArgs e)
    {
        Browser.Mark("playground-input", 0);
        state = state with { Formula = e.Value as string ?? "" };
        analysis = Analysis.Of(state.Formula);
        return Settle(TypingPause);
    }

    private Task OnX0(ChangeEventArgs e)
    {
        state = state with { X0 = e.Value as string ?? "" };
        ReadX0();
        return Settle(0);
    }

    private Task OnDrag(double x)
    {
        state = state with { X0 = Plot.Number(x) };
        ReadX0();
        return Settle(0);
    }

    // once the browser has painted what changed (and, while typing, after a pause): the address follows the state,
    // the open view gets the new point and the copy buttons their texts; the derivative is on screen before the
    // view's hundreds of interpreted evaluations start. A later keystroke supersedes an earlier one's wait.
    private async Task Settle(int pause, bool publish = true)
    {
        var mine = ++settling;
        settled = false;
        await Browser.AfterPaint(pause);
        if (mine == settling)
        {
            point = Point();
            settled = true;
            if (publish)
            {
                Publish();
            }
        }
    }

    private void OnRange(ChangeEventArgs e, bool low)
    {
        if (double.TryParse(e.Value as string, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            && (low ? v < state.XMax : v > state.XMin))
        {
            state = low ? state with { XMin = v } : state with { XMax = v };
            Publish();
        }
    }

    private void Open(string tab)
    {
        state = state with { Tab = tab };
        Publish();
    }

    // x0 is a number or a constant formula (2/3, pi/4): the engine reads it
    private void ReadX0()
    {
        if (Formula.TryParse(state.X0, out var f, out var error) && f.Parameters.Count == 0)
        {
            (x0, x0Error) = (f.Evaluate(), null);
        }
        else
        {
            (x0, x0Error) = (null, error?.Message ?? "x0 must be a number or a constant formula such as 2/3");
        }
    }

    private PointView? Point()
    {
        if (analysis is not { Formula: { Parameters.Count: > 0 } formula, Error: null } || x0 is not { } at)
        {
            return null;
        }

        var variable = formula.Parameters.Contains("x") ? "x" : formula.Parameters[0];
        return new PointView(formula, variable, [.. formula.Parameters.Select(p => p == variable ? at : 1.0)],
            analysis.Derivatives.Single(d => d.Parameter == variable).Derivative);
    }

    private double Constant() => analysis.Formula is { Parameters.Count: 0 } f ? f.Evaluate() : double.NaN;

    // the state goes into the address (replacing the entry, so typing does not fill the history)
    private void Publish()
    {
        copied = null;
        Navigation.NavigateTo(ShareLink, new NavigationOptions { ReplaceHistoryEntry = true });
    }

    private async Task Copy(string text)
    {
        try
        {
            await JS.InvokeVoidAsync("navigator.clipboard.writeText", text);
            copied = "copied";
        }
        catch (JSException e)
        {
            // a page not served over https (or a denied permission) has no clipboard: say so, keep the text visible
            copied = $"the browser refused the clipboard ({e.Message}); the text is in the button's tooltip";
        }
    }
}
