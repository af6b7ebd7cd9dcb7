using System.Runtime.InteropServices;

namespace Micrograd.Expressions.Cli.Operations;

/// <summary>
/// Whether pictures can be drawn here. <c>plot</c> and <c>train --plot</c> draw with ScottPlot, which renders
/// through SkiaSharp's native library. The tool's package for each platform carries that platform's library;
/// the portable fallback package (for platforms without their own package) carries none, which keeps every
/// download under 20 MB. There the commands that draw say so before doing any work; every other command works.
/// </summary>
internal static class Drawing
{
    private static readonly Lazy<string?> Missing = new(Probe);

    /// <summary>Throws a <see cref="WorkException"/> naming the platform when SkiaSharp's native library cannot load.</summary>
    public static void Require()
    {
        if (Missing.Value is { } why)
        {
            throw new WorkException(
                $"drawing needs SkiaSharp's native library, which the portable mgx package does not carry for {RuntimeInformation.RuntimeIdentifier} ({why}); " +
                "install the tool on a platform with its own package (linux-x64, linux-arm64, linux-musl-x64, win-x64, osx-x64, osx-arm64), or compute the points with mgx eval, mgx check --sweep or mgx train --json and draw them elsewhere");
        }
    }

    private static string? Probe()
    {
        try
        {
            // the first SkiaSharp call that reaches the native library
            using var bitmap = new SkiaSharp.SKBitmap(1, 1);
            return null;
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException or BadImageFormatException)
        {
            return (e.InnerException ?? e).GetType().Name;
        }
    }
}
