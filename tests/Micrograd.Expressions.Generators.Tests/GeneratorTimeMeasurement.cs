using System.Text;
using Micrograd.Expressions.Generators.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Micrograd.Expressions.Generators.Tests;

/// <summary>
/// The generator's time for a project of 1,000 <c>[Formula]</c> methods (random formulas, a quarter of them gradients),
/// as Roslyn's driver reports it, for docs/performance.md: the first build, then a build after one attribute is
/// edited, with the time of the pipeline's steps. A measurement, run by hand (<c>--filter GeneratorTime</c>); it asserts
/// only that every method is generated. With <c>MGX_MANY_SOURCE=path</c> it writes the project's source there.
/// </summary>
[TestFixture]
[Explicit("a measurement for docs/performance.md, not a test")]
public class GeneratorTimeMeasurement
{
    [Test]
    public void GeneratorTime_ThousandMethods_Measured()
    {
        var random = new RandomFormulas(7);
        var source = new StringBuilder("using System;\nusing Micrograd.Expressions;\npublic static partial class Many\n{\n");
        for (var i = 0; i < 1000;)
        {
            var text = random.Next();
            if (!Formula.TryParse(text, out var formula, out _) || formula.Parameters.Count == 0)
            {
                continue;
            }

            var parameters = string.Join(", ", formula.Parameters.Select(p => $"double {p}"));
            var literal = SymbolDisplay.FormatLiteral(text, quote: true);
            source.Append(i % 4 == 0
                ? $"    [Formula({literal}, Gradient = true)] public static partial double M{i}({parameters}, Span<double> g);\n"
                : $"    [Formula({literal})] public static partial double M{i}({parameters});\n");
            i++;
        }

        source.Append("}\n");
        // the same project for a real build (dotnet build -p:ReportAnalyzer=true): its source written where asked
        if (Environment.GetEnvironmentVariable("MGX_MANY_SOURCE") is { Length: > 0 } path)
        {
            File.WriteAllText(path, source.ToString());
        }

        var compilation = Harness.Compilation(source.ToString());
        Binding(compilation);
        var driver = Harness.Driver().RunGenerators(compilation);
        var first = driver.GetTimingInfo().ElapsedTime;
        var generated = driver.GetRunResult().Results[0].GeneratedSources.Length;
        var tree = compilation.SyntaxTrees.Single();
        var text0 = tree.ToString();
        var at = text0.IndexOf("[Formula(", StringComparison.Ordinal) + 9;
        var edited = compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(text0.Insert(at + 1, "1 + "), Harness.Parse()));
        var second = driver.RunGenerators(edited).GetTimingInfo().ElapsedTime;
        // a new driver on the same process: every method generated again, by a generator the JIT has compiled (a
        // compiler server's build after the first)
        var warm = Harness.Driver().RunGenerators(edited).GetTimingInfo().ElapsedTime;
        Steps(driver.GetRunResult());
        var sources = driver.GetRunResult().Results[0].GeneratedSources;
        var parse = System.Diagnostics.Stopwatch.StartNew();
        foreach (var s in sources)
        {
            CSharpSyntaxTree.ParseText(s.SourceText, Harness.Parse());
        }

        TestContext.Out.WriteLine($"generator {driver.GetTimingInfo().GeneratorTimes[0].ElapsedTime.TotalMilliseconds:0} ms; generated {sources.Sum(s => s.SourceText.Length)} chars, parsed again in {parse.Elapsed.TotalMilliseconds:0} ms");
        TestContext.Out.WriteLine($"1,000 methods: first run {first.TotalMilliseconds:0} ms, after one edit {second.TotalMilliseconds:0} ms, all again warm {warm.TotalMilliseconds:0} ms, {generated} sources");
        Assert.That(generated, Is.EqualTo(1002), "every method generated (and the two shared sources)");
    }

    // Roslyn alone, without the generator: each method's symbol and attribute bound, as the pipeline's first step
    // needs (on a compilation with the attribute's source, in a new compilation each time, as a build has)
    private static void Binding(CSharpCompilation compilation)
    {
        var attribute = Harness.Driver().RunGeneratorsAndUpdateCompilation(Harness.Compilation("", name: "Attribute"), out _, out _)
            .GetRunResult().GeneratedTrees.Single(t => t.FilePath.EndsWith("FormulaAttribute.g.cs", StringComparison.Ordinal));
        for (var round = 0; round < 2; round++)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var fresh = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(attribute.GetText(), Harness.Parse()));
            var tree = fresh.SyntaxTrees.First();
            var model = fresh.GetSemanticModel(tree);
            var count = 0;
            foreach (var method in tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax>())
            {
                var symbol = model.GetDeclaredSymbol(method)!;
                count += symbol.GetAttributes().Sum(a => a.ConstructorArguments.Length) + symbol.Parameters.Length;
            }

            TestContext.Out.WriteLine($"binding the methods and attributes alone, round {round}: {watch.Elapsed.TotalMilliseconds:0} ms ({count})");
        }
    }

    private static void Steps(GeneratorDriverRunResult run)
    {
        var result = run.Results[0];
        foreach (var (name, steps) in result.TrackedSteps.Concat(result.TrackedOutputSteps))
        {
            TestContext.Out.WriteLine($"step {name}: {steps.Length} runs, {steps.Sum(s => s.ElapsedTime.TotalMilliseconds):0} ms");
        }
    }
}
