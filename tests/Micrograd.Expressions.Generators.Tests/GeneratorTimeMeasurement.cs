using System.Text;
using Micrograd.Expressions.Generators.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Micrograd.Expressions.Generators.Tests;

/// <summary>
/// The generator's time for a project of 1,000 <c>[Formula]</c> methods (random formulas, a quarter of them gradients),
/// as Roslyn's driver reports it, for docs/performance.md: the first build, then a build after one attribute is
/// edited. A measurement, run by hand (<c>--filter GeneratorTime</c>); it asserts only that every method is generated.
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
        var compilation = Harness.Compilation(source.ToString());
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
        TestContext.Out.WriteLine($"1,000 methods: first run {first.TotalMilliseconds:0} ms, after one edit {second.TotalMilliseconds:0} ms, all again warm {warm.TotalMilliseconds:0} ms, {generated} sources");
        Assert.That(generated, Is.EqualTo(1002), "every method generated (and the two shared sources)");
    }
}
