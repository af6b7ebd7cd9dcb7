using System.Linq.Dynamic.Core;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using LinqExpression = System.Linq.Expressions.Expression;

namespace Micrograd.Expressions.Tests.Support;

/// <summary>The real readers of the dialects: Roslyn for C#, System.Linq.Dynamic.Core for Dynamic LINQ.</summary>
internal static class Targets
{
    /// <summary>
    /// Compiles C# expressions with Roslyn, each as <c>static double F{i}(double @p0, ...)</c> (every parameter
    /// declared with @, so a keyword is a name), and returns them as functions of the values in parameter order.
    /// </summary>
    public static Func<double[], double>[] CSharp(IReadOnlyList<string> expressions, IReadOnlyList<string> parameters)
    {
        var declared = string.Join(", ", parameters.Select(p => $"double @{p}"));
        var methods = expressions.Select((text, i) => $"public static double F{i}({declared}) => {text};");
        var source = $"using System; public static class Rendered {{ {string.Join("\n", methods)} }}";
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is "System.Runtime.dll" or "System.Private.CoreLib.dll" or "netstandard.dll")
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("Rendered", [CSharpSyntaxTree.ParseText(source)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var stream = new MemoryStream();
        var emitted = compilation.Emit(stream);
        Assert.That(emitted.Success, Is.True, string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(5)
            .Select(d => $"{d}: {source.Substring(d.Location.SourceSpan.Start, Math.Min(200, source.Length - d.Location.SourceSpan.Start))}")));
        var type = Assembly.Load(stream.ToArray()).GetType("Rendered")!;
        return [.. expressions.Select((_, i) =>
        {
            var method = type.GetMethod($"F{i}")!;
            return (Func<double[], double>)(values => (double)method.Invoke(null, [.. values.Cast<object>()])!);
        })];
    }

    /// <summary>Parses Dynamic LINQ text over double parameters named as the dialect writes them, and compiles it.</summary>
    public static Func<double[], double> DynamicLinq(string text, IReadOnlyList<string> parameters)
    {
        var declared = parameters.Select(p => LinqExpression.Parameter(typeof(double), DynamicLinqName(p))).ToArray();
        var compiled = DynamicExpressionParser.ParseLambda(declared, typeof(double), text).Compile();
        return values => (double)compiled.DynamicInvoke([.. values.Cast<object>()])!;
    }

    // docs/differentiation.md: a name Dynamic LINQ reserves (in any case), Math, and such a name after leading
    // underscores, get one more _ in front
    private static readonly HashSet<string> DynamicLinqReserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "true", "false", "null", "it", "parent", "root", "iif", "isnull", "new", "np", "is", "as", "cast", "OfType",
        "and", "or", "not", "mod", "in", "eq", "ne", "neq", "lt", "le", "gt", "ge",
    };

    public static string DynamicLinqName(string name) =>
        DynamicLinqReserved.Contains(name.TrimStart('_')) || name.TrimStart('_') == "Math" ? "_" + name : name;
}
