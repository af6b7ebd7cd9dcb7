using Micrograd.Expressions.Cli.Operations;
using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

/// <summary>
/// <c>mgx graph --out .svg</c> runs Graphviz <c>dot</c>: here a stand-in <c>dot</c> on PATH (or none at all)
/// checks the message without Graphviz, the pipes that must not deadlock and the time bound.
/// </summary>
[TestFixture]
[NonParallelizable]
[Platform(Exclude = "Win")]
public class GraphvizTests
{
    private string? path;
    private DirectoryInfo work = null!;

    [SetUp]
    public void SetUp()
    {
        path = Environment.GetEnvironmentVariable("PATH");
        work = Directory.CreateTempSubdirectory("mgx-graphviz-");
    }

    [TearDown]
    public void TearDown()
    {
        Environment.SetEnvironmentVariable("PATH", path);
        Graphviz.RenderTime = TimeSpan.FromSeconds(60);
        work.Delete(recursive: true);
    }

    [TestCase(".svg")]
    [TestCase(".png")]
    public void Graph_NoGraphvizOnPath_SaysHowToInstallIt(string extension)
    {
        Environment.SetEnvironmentVariable("PATH", work.FullName);
        var (code, output, error) = Mgx.Run("graph", "a*b", "a=2", "b=3", "--out", Path.Combine(work.FullName, "g" + extension));
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(1), error);
            Assert.That(error, Is.EqualTo("mgx: Graphviz is not installed (no `dot` on PATH): install it (Debian, Ubuntu: apt-get install graphviz; macOS: brew install graphviz) or write DOT text with --out graph.dot\n"));
            Assert.That(error, Does.Not.Contain("Exception"));
            Assert.That(output, Is.Empty);
        });
    }

    [Test]
    public void Graph_DotWritesMuchBeforeReading_NoDeadlock()
    {
        // a dot that fills its stderr pipe before it reads stdin, then fails: mgx must read while it writes
        FakeDot("head -c 300000 /dev/zero | tr '\\0' x >&2; cat > /dev/null; exit 3");
        Graphviz.RenderTime = TimeSpan.FromSeconds(30);
        var formula = string.Join(" + ", Enumerable.Range(0, 3000).Select(i => $"a*{i}"));
        var (code, _, error) = Mgx.Run("graph", formula, "a=2", "--out", Path.Combine(work.FullName, "g.svg"));
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(1), error[..Math.Min(200, error.Length)]);
            Assert.That(error, Does.StartWith("mgx: Graphviz dot failed (exit code 3): ..."));
            Assert.That(error, Has.Length.LessThan(2100), "dot's stderr is cut to its end");
        });
    }

    [Test]
    public void Graph_DotNeverFinishes_StoppedAfterTheBound()
    {
        FakeDot("cat > /dev/null; sleep 600");
        Graphviz.RenderTime = TimeSpan.FromSeconds(1);
        var (code, _, error) = Mgx.Run("graph", "a*b", "a=2", "b=3", "--out", Path.Combine(work.FullName, "g.png"));
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(1), error);
            Assert.That(error, Is.EqualTo("mgx: Graphviz dot did not finish in 1 s; write DOT text with --out graph.dot instead\n"));
        });
    }

    private void FakeDot(string script)
    {
        var dot = Path.Combine(work.FullName, "dot");
        File.WriteAllText(dot, "#!/bin/sh\n" + script + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dot, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        Environment.SetEnvironmentVariable("PATH", $"{work.FullName}{Path.PathSeparator}{path}");
    }
}
