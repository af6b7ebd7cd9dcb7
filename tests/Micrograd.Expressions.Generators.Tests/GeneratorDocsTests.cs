extern alias generator;

using System.Text.RegularExpressions;
using Micrograd.Expressions.Generators.Tests.Support;
using Microsoft.CodeAnalysis;

namespace Micrograd.Expressions.Generators.Tests;

/// <summary>
/// docs/generator.md runs: each <c>csharp generator</c> block is compiled as a program with the generator and run,
/// and prints the Output block under it; each generated body it shows (<c>cs</c> blocks) is the golden source's.
/// </summary>
[TestFixture]
public partial class GeneratorDocsTests
{
    private static string Docs() =>
        File.ReadAllText(Path.Combine(GeneratedSourceTests.Repository(), "docs", "generator.md")).Replace("\r\n", "\n", StringComparison.Ordinal);

    public static IEnumerable<TestCaseData> Programs() =>
        ProgramBlock().Matches(Docs()).Select((m, i) => new TestCaseData(m.Groups[1].Value, m.Groups[3].Success ? m.Groups[3].Value : null)
            .SetName($"Docs_GeneratorProgram{i + 1}_CompilesRunsAndPrintsShownOutput"));

    [TestCaseSource(nameof(Programs))]
    public void Docs_GeneratorProgram_CompilesRunsAndPrintsShownOutput(string code, string? shown)
    {
        var compilation = Harness.Compilation(code).WithOptions(new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(OutputKind.ConsoleApplication));
        var driver = Harness.Driver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        Assert.That(diagnostics, Is.Empty, string.Join("\n", diagnostics));
        var entry = Harness.Load((Microsoft.CodeAnalysis.CSharp.CSharpCompilation)output).EntryPoint!;
        var previous = Console.Out;
        using var writer = new StringWriter { NewLine = "\n" };
        Console.SetOut(writer);
        try
        {
            entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
        }
        finally
        {
            Console.SetOut(previous);
        }

        Assert.That(writer.ToString(), Is.EqualTo(shown), "the program's output against the docs' Output block");
    }

    [Test]
    public void Docs_GeneratedBodies_AreTheGoldenSources()
    {
        var shown = ShownBlock().Matches(Docs()).Select(m => Lines(m.Groups[1].Value)).ToList();
        Assert.That(shown, Has.Count.EqualTo(2), "docs/generator.md shows the bodies of F and G");
        var golden = string.Concat(new[] { "F", "G" }.Select(m => Lines(File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Golden", $"Demo.Model.{m}.g.cs")))));
        foreach (var block in shown)
        {
            Assert.That(golden, Does.Contain(block), $"shown in docs/generator.md but not generated:\n{block}");
        }
    }

    // the lines without their indentation, blank lines left out
    private static string Lines(string text) =>
        string.Concat(text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).Select(l => l + "\n"));

    [GeneratedRegex("```csharp generator\n(.*?)```(\n\nOutput:\n\n```text\n(.*?)```)?", RegexOptions.Singleline)]
    private static partial Regex ProgramBlock();

    [GeneratedRegex("```cs\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShownBlock();
}
