using System.Text;
using System.Text.RegularExpressions;
using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

/// <summary>
/// Docs that run: every console block line in README.md and docs/ that starts with <c>$ mgx</c> is run, and
/// its output must be exactly the lines the block shows under it.
/// </summary>
[TestFixture]
[NonParallelizable] // the examples run in-process with the console redirected and the current directory at the root
public partial class DocsTests
{
    private static string Root() => Repository.Root();

    public static IEnumerable<TestCaseData> Examples()
    {
        var root = Root();
        var files = Directory.GetFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories).Prepend(Path.Combine(root, "README.md"));
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file);
            var inBlock = false;
            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].StartsWith("```", StringComparison.Ordinal))
                {
                    inBlock = !inBlock && lines[i].Trim() == "```console";
                    continue;
                }

                if (!inBlock || !lines[i].StartsWith("$ mgx ", StringComparison.Ordinal))
                {
                    continue;
                }

                var expected = new StringBuilder();
                for (var j = i + 1; j < lines.Length && !lines[j].StartsWith('$') && !lines[j].StartsWith("```", StringComparison.Ordinal); j++)
                {
                    expected.Append(lines[j]).Append('\n');
                }

                var relative = Path.GetRelativePath(root, file);
                yield return new TestCaseData(relative, i + 1, lines[i][6..], expected.ToString())
                    .SetName($"Docs_{relative.Replace('/', '_')}Line{i + 1}_OutputAsShown");
            }
        }
    }

    [TestCaseSource(nameof(Examples))]
    public void Docs_MgxExample_OutputAsShown(string file, int line, string command, string expected)
    {
        var args = Arguments().Matches(command).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Value).ToArray();
        var (_, output, error) = InRoot(() => Mgx.Run(args));
        Assert.That(output, Is.EqualTo(expected), $"{file}:{line}: mgx {command}\n{error}");
    }

    [Test]
    public void Docs_LanguageReference_ListsEveryFunction()
    {
        var language = File.ReadAllText(Path.Combine(Root(), "docs", "language.md"));
        foreach (var f in Function.Table)
        {
            Assert.That(language, Does.Contain($"`{f.Signature}`"), $"docs/language.md does not document {f.Signature}");
        }
    }

    public static IEnumerable<TestCaseData> CSharpSnippets()
    {
        var root = Root();
        var files = Directory.GetFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories).Prepend(Path.Combine(root, "README.md"));
        foreach (var file in files)
        {
            var text = File.ReadAllText(file).Replace("\r\n", "\n", StringComparison.Ordinal);
            foreach (Match block in Regex.Matches(text, "```csharp\n(.*?)```(\n\nOutput:\n\n```text\n(.*?)```)?", RegexOptions.Singleline))
            {
                var line = text[..block.Index].Count(c => c == '\n') + 1;
                var relative = Path.GetRelativePath(root, file);
                yield return new TestCaseData(relative, line, block.Groups[1].Value, block.Groups[3].Success ? block.Groups[3].Value : null)
                    .SetName($"Docs_{relative.Replace('/', '_')}Line{line}_CSharpRuns");
            }
        }
    }

    // Every C# block in the docs is compiled as a program and run; where an Output block follows, its text must match.
    [TestCaseSource(nameof(CSharpSnippets))]
    public void Docs_CSharpSnippet_CompilesRunsAndPrintsShownOutput(string file, int line, string code, string? shown)
    {
        const string usings = "using System; using System.Collections.Generic; using System.Linq; using Micrograd.Expressions; using Micrograd.Expressions.Calculus; using Micrograd.Expressions.Syntax;\n";
        var usingLines = string.Concat(code.Split('\n').TakeWhile(l => l.StartsWith("using ", StringComparison.Ordinal) || l.Length == 0).Select(l => l + "\n"));
        var source = usings + usingLines + "#line 1\n" + code[usingLines.Length..];
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(p => Microsoft.CodeAnalysis.MetadataReference.CreateFromFile(p))
            .Append(Microsoft.CodeAnalysis.MetadataReference.CreateFromFile(typeof(Formula).Assembly.Location))
            .Append(Microsoft.CodeAnalysis.MetadataReference.CreateFromFile(typeof(System.Linq.Dynamic.Core.DynamicExpressionParser).Assembly.Location));
        var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create("Snippet", [Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(source)], references,
            new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(Microsoft.CodeAnalysis.OutputKind.ConsoleApplication));
        using var stream = new MemoryStream();
        var emitted = compilation.Emit(stream);
        Assert.That(emitted.Success, Is.True,
            $"{file}:{line}: " + string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error)));
        var entry = System.Reflection.Assembly.Load(stream.ToArray()).EntryPoint!;
        var previous = Console.Out;
        using var output = new StringWriter { NewLine = "\n" };
        Console.SetOut(output);
        try
        {
            InRoot(() => entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]));
        }
        finally
        {
            Console.SetOut(previous);
        }

        if (shown is not null)
        {
            Assert.That(output.ToString(), Is.EqualTo(shown), $"{file}:{line}");
        }
    }

    // The Python and Node.js examples of docs/embedding.md, run against the mgx built with these tests.
    [TestCase("python", "python3")]
    [TestCase("js", "node")]
    public void Embedding_LanguageExample_PrintsShownOutput(string language, string interpreter)
    {
        var text = File.ReadAllText(Path.Combine(Root(), "docs", "embedding.md"));
        var code = Regex.Match(text, $"```{language}\n(.*?)```", RegexOptions.Singleline).Groups[1].Value;
        var shown = Regex.Match(text[text.IndexOf($"```{language}\n", StringComparison.Ordinal)..], "Output:\n\n```text\n(.*?)```", RegexOptions.Singleline).Groups[1].Value;
        var script = Path.Combine(Path.GetTempPath(), $"mgx-example-{Guid.NewGuid():N}.{(language == "python" ? "py" : "js")}");
        File.WriteAllText(script, code);
        try
        {
            var mgx = Path.Combine(Path.GetDirectoryName(typeof(Cli.Program).Assembly.Location)!, "mgx.dll");
            var run = Processes.TryRun(interpreter, [script], new Dictionary<string, string> { ["MGX"] = $"dotnet {mgx}" });
            if (run is null)
            {
                Assert.Ignore($"{interpreter} is not installed here; the example is checked where it is");
                return;
            }

            Assert.That(run.Out, Is.EqualTo(shown), $"{language} example; stderr: {run.Error}");
        }
        finally
        {
            File.Delete(script);
        }
    }

    // examples name files relative to the repository root, as a reader who cloned it runs them
    private static T InRoot<T>(Func<T> run)
    {
        var previous = Environment.CurrentDirectory;
        Environment.CurrentDirectory = Root();
        try
        {
            return run();
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
    }

    [GeneratedRegex("\"([^\"]*)\"|\\S+")]
    private static partial Regex Arguments();
}
