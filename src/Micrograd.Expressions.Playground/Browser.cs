using System.Runtime.InteropServices.JavaScript;

namespace Micrograd.Expressions.Playground;

/// <summary>
/// The page's own functions in <c>index.html</c> (<c>window.playground</c>), called through generated interop: no
/// JSON serialization on the way, which would cost the first render its first use of System.Text.Json.
/// </summary>
internal static partial class Browser
{
    /// <summary>Completes once the browser has painted the last change, after <paramref name="pause"/> ms more.</summary>
    /// <param name="pause">Milliseconds to wait after the paint.</param>
    /// <returns>The wait.</returns>
    [JSImport("globalThis.playground.afterPaint")]
    internal static partial Task AfterPaint(int pause);

    /// <summary>A performance mark <paramref name="ago"/> ms in the past, for the browser tests' account of the first render.</summary>
    /// <param name="name">The mark's name.</param>
    /// <param name="ago">How long ago it happened, in ms.</param>
    [JSImport("globalThis.playground.mark")]
    internal static partial void Mark(string name, double ago);
}
