using System.Text.RegularExpressions;
using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

/// <summary>
/// The dependency direction of docs/architecture.md: Syntax ← Algebra ← Calculus ← Compilation ← the facade
/// (root) ← Cli. A file may use the folders to its left only; the facade types (<c>Formula</c>,
/// <c>FormulaContext</c>) are used by the facade and above. Read from the source, as the map is.
/// </summary>
[TestFixture]
public partial class ArchitectureTests
{
    private static readonly string[] Layers = ["Syntax", "Algebra", "Calculus", "Compilation"];

    private static IEnumerable<TestCaseData> Files() =>
        Layers.SelectMany((layer, i) => Directory.EnumerateFiles(Path.Combine(Repository.Root(), "src", "Micrograd.Expressions", layer), "*.cs")
            .Order(StringComparer.Ordinal)
            .Select(path => new TestCaseData(layer, i, Path.GetFileName(path)).SetName($"Layer_{layer}_{Path.GetFileNameWithoutExtension(path).Replace('.', '_')}_UsesOnlyEarlierLayers")));

    [TestCaseSource(nameof(Files))]
    public void Layer_File_UsesOnlyEarlierLayers(string layer, int index, string file)
    {
        var text = Strings().Replace(Comments().Replace(File.ReadAllText(Path.Combine(Repository.Root(), "src", "Micrograd.Expressions", layer, file)), ""), "\"\"");
        var later = Layers.Skip(index + 1).Concat(["Autograd", "Nn", "Visual", "Cli"]).ToList();
        var uses = later.Where(l => Regex.IsMatch(text, $@"using (static )?Micrograd\.Expressions\.{l}\b|\b{l}\.[A-Z]")).ToList();
        var facade = FacadeType().Matches(text).Select(m => m.Value).Distinct().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(uses, Is.Empty, $"{layer}/{file} uses later folders: {string.Join(", ", uses)}");
            Assert.That(facade, Is.Empty, $"{layer}/{file} uses the facade: {string.Join(", ", facade)}");
        });
    }

    [Test]
    public void Cli_CommandsAndBatch_DoNotUseEachOther()
    {
        var cli = Path.Combine(Repository.Root(), "src", "Micrograd.Expressions.Cli");
        var batchUsesCommands = Directory.EnumerateFiles(Path.Combine(cli, "Batch"), "*.cs")
            .Where(f => Regex.IsMatch(File.ReadAllText(f), @"Cli\.Commands\b|\bCommands\.[A-Z]")).Select(Path.GetFileName).ToList();
        // the batch command runs the session; no other command reaches into the protocol
        var commandsUseBatch = Directory.EnumerateFiles(Path.Combine(cli, "Commands"), "*.cs")
            .Where(f => Path.GetFileName(f) != "BatchCommand.cs" && Regex.IsMatch(File.ReadAllText(f), @"Cli\.Batch\b|\bBatch\.[A-Z]")).Select(Path.GetFileName).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(batchUsesCommands, Is.Empty, "Batch files that use Commands");
            Assert.That(commandsUseBatch, Is.Empty, "Commands files that use Batch");
        });
    }

    [GeneratedRegex(@"//[^\n]*")]
    private static partial Regex Comments();

    // string literals (messages name public API), one line each
    [GeneratedRegex(@"""(?:[^""\\\n]|\\.)*""")]
    private static partial Regex Strings();

    // the facade's types in code: FormulaContext anywhere; Formula as a type or a receiver of its static members
    [GeneratedRegex(@"\bFormulaContext\b|\bFormula(?=\s+\w+\s*[,)=;])|\bFormula\.(Parse|FromTree|TryParse)\b")]
    private static partial Regex FacadeType();
}
