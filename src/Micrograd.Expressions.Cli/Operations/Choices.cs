using Micrograd.Expressions.Calculus;

namespace Micrograd.Expressions.Cli.Operations;

/// <summary>
/// The documented values of the enumerated options of commands and batch ops. Only these names are accepted:
/// never a number standing for an enum member, never an undefined one.
/// </summary>
internal static class Choices
{
    /// <summary>The finite-difference methods, as listed in messages.</summary>
    public const string Methods = "forward, backward, central, richardson";

    private static readonly Dictionary<string, DifferenceMethod> MethodNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["forward"] = DifferenceMethod.Forward,
        ["backward"] = DifferenceMethod.Backward,
        ["central"] = DifferenceMethod.Central,
        ["richardson"] = DifferenceMethod.Richardson,
    };

    /// <summary>The method named by <paramref name="text"/> (case-insensitive); <paramref name="fallback"/> when it is null.</summary>
    public static DifferenceMethod Method(string? text, DifferenceMethod fallback) => text switch
    {
        null => fallback,
        _ when TryMethod(text, out var method) => method,
        _ => throw new RequestException("method", $"one of {Methods}, not `{text}`"),
    };

    /// <summary>Reads a method name (case-insensitive).</summary>
    public static bool TryMethod(string text, out DifferenceMethod method) => MethodNames.TryGetValue(text.Trim(), out method);
}
