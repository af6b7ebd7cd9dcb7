using Micrograd.Expressions.Playground.Model;
using Microsoft.AspNetCore.Components;

namespace Micrograd.Expressions.Playground;

/// <summary>
/// A tab that shows one view of the formula at the point. The page hands it a new <see cref="PointView"/> only
/// once the derivative is on screen and the formula or the point changed, so the view computes its content then,
/// and a render of the page for another reason (a copy button, the share link) keeps what it shows.
/// </summary>
public abstract class PointPanel : ComponentBase
{
    private object? shown;
    private bool changed;

    /// <summary>The formula and the point.</summary>
    [Parameter, EditorRequired] public PointView Point { get; set; } = default!;

    /// <summary>What the content depends on: the point, and whatever else the view takes.</summary>
    protected virtual object Inputs => Point;

    /// <inheritdoc/>
    protected sealed override void OnParametersSet()
    {
        var key = Inputs;
        if (!Equals(key, shown))
        {
            shown = key;
            changed = true;
            Show(Point);
        }
    }

    /// <summary>
    /// Renders again only for new content: a keystroke re-renders the page, and the open view's picture or table
    /// (hundreds of SVG points, rows) is not diffed again while its point stays the same.
    /// </summary>
    /// <returns>True when <see cref="Show"/> ran since the last render.</returns>
    protected override bool ShouldRender()
    {
        var render = changed;
        changed = false;
        return render;
    }

    /// <summary>Computes the view's content for a new point.</summary>
    /// <param name="point">The formula and the point.</param>
    protected abstract void Show(PointView point);
}
