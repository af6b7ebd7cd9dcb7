extern alias generator;

using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Micrograd.Expressions.Generators.Tests.Support;

/// <summary>Runs the generator on C# source with Roslyn's driver, compiles the result and loads it.</summary>
internal static class Harness
{
    public sealed record Run(CSharpCompilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics, GeneratorDriverRunResult Result)
    {
        /// <summary>The generated source of one method, not overloaded (its hint name ends with <c>.Name(parameter types).g.cs</c>).</summary>
        public string Source(string method) =>
            Result.Results[0].GeneratedSources.Single(s => s.HintName.Contains($".{method}(", StringComparison.Ordinal)).SourceText.ToString();

        /// <summary>The compiler's errors and warnings on the generated code.</summary>
        public IEnumerable<Diagnostic> CompileProblems() =>
            Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning);
    }

    private static readonly Lazy<MetadataReference[]> Framework = new(() =>
        [.. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).Select(p => MetadataReference.CreateFromFile(p))]);

    // the symbols the SDK defines for net10.0 (the generated cube root reads NETCOREAPP2_1_OR_GREATER); none for an older framework
    private static readonly string[] Net10 = ["NET", "NETCOREAPP", "NET10_0", "NETCOREAPP2_1_OR_GREATER", "NETCOREAPP3_0_OR_GREATER", "NET5_0_OR_GREATER", "NET10_0_OR_GREATER"];

    public static CSharpParseOptions Parse(LanguageVersion version = LanguageVersion.Latest, bool net10 = true) =>
        new(version, preprocessorSymbols: net10 ? Net10 : []);

    public static CSharpCompilation Compilation(string source, LanguageVersion version = LanguageVersion.Latest, string name = "Formulas") =>
        CSharpCompilation.Create(name, [CSharpSyntaxTree.ParseText(source, Parse(version), path: "Model.cs")], Framework.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable,
                optimizationLevel: OptimizationLevel.Release, allowUnsafe: false));

    public static GeneratorDriver Driver(LanguageVersion version = LanguageVersion.Latest) =>
        CSharpGeneratorDriver.Create([new generator::Micrograd.Expressions.Generators.FormulaGenerator().AsSourceGenerator()],
            parseOptions: Parse(version), driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static Run Generate(string source, LanguageVersion version = LanguageVersion.Latest)
    {
        var compilation = Compilation(source, version);
        var driver = Driver(version).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return new Run((CSharpCompilation)output, diagnostics, driver.GetRunResult());
    }

    /// <summary>The generated assembly, loaded in a context of its own.</summary>
    public static Assembly Load(CSharpCompilation compilation)
    {
        using var stream = new MemoryStream();
        var emitted = compilation.Emit(stream);
        if (!emitted.Success)
        {
            throw new InvalidOperationException(string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        }

        stream.Position = 0;
        return new AssemblyLoadContext(null, isCollectible: true).LoadFromStream(stream);
    }
}
