using Microsoft.CodeAnalysis;

namespace Micrograd.Expressions.Generators;

/// <summary>The generator's diagnostics, each documented in docs/generator.md.</summary>
internal static class Diagnostics
{
    private const string Category = "Micrograd.Expressions";

    private static DiagnosticDescriptor Error(string id, string title, string format) =>
        new(id, title, format, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: "docs/generator.md#" + id.ToLowerInvariant());

    /// <summary>The formula text is not a formula (the engine's message, at its line and column inside the literal).</summary>
    public static readonly DiagnosticDescriptor Syntax = Error("MGX0001", "Formula syntax error", "{0}");

    /// <summary>An unknown function or name, or a function called with the wrong number of arguments.</summary>
    public static readonly DiagnosticDescriptor Name = Error("MGX0002", "Unknown name or wrong arity in a formula", "{0}");

    /// <summary>A parameter of the formula that the method does not have.</summary>
    public static readonly DiagnosticDescriptor Missing = Error("MGX0003", "Formula parameter missing from the method",
        "the formula's parameter `{0}` is not a parameter of method `{1}`: add `double {0}` to its parameters");

    /// <summary>A parameter of the method that the formula does not use.</summary>
    public static readonly DiagnosticDescriptor Unused = Error("MGX0004", "Method parameter unused by the formula",
        "the parameter `{0}` of method `{1}` is not a parameter of the formula `{2}`");

    /// <summary>A method the generator cannot implement.</summary>
    public static readonly DiagnosticDescriptor Signature = Error("MGX0005", "Unsupported [Formula] method", "{0}");

    /// <summary>A <c>Derivative</c> naming something other than the formula's parameters.</summary>
    public static readonly DiagnosticDescriptor Derivative = Error("MGX0006", "Bad Derivative",
        "Derivative = \"{0}\": {1}");

    /// <summary>A formula over the engine's limits, or larger than the generator writes out.</summary>
    public static readonly DiagnosticDescriptor Limit = Error("MGX0007", "Formula over the limits", "{0}");

    /// <summary>The generator failed: a bug, reported instead of stopping the build.</summary>
    public static readonly DiagnosticDescriptor Failure = Error("MGX9999", "The formula generator failed",
        "the generator failed on the formula \"{0}\" of method `{1}`: {2}");

    public static DiagnosticDescriptor ById(string id) => id switch
    {
        "MGX0001" => Syntax,
        "MGX0002" => Name,
        "MGX0003" => Missing,
        "MGX0004" => Unused,
        "MGX0005" => Signature,
        "MGX0006" => Derivative,
        "MGX0007" => Limit,
        _ => Failure,
    };
}
