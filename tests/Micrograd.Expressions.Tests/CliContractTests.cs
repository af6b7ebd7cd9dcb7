using System.Text;
using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

/// <summary>
/// The command line's contract with scripts (docs/cli.md): exit codes 0, 1 and 2, every usage error printed,
/// "did you mean" for misspelt commands, options, functions and names, error output bounded by a window around
/// the caret, and a byte-order mark accepted at the start of a batch stream.
/// </summary>
[TestFixture]
public class CliContractTests
{
    [TestCase(0, "eval", "x + 1", "x=2")]
    [TestCase(0, "check", "x**2", "x=1")]
    [TestCase(1, "check", "sqrt(x)", "x=0")]
    [TestCase(1, "check", "sign(x)", "x=0", "--json")]
    [TestCase(1, "check", "sign(x)", "x=-1:1", "--scan", "50")]
    [TestCase(1, "eval", "2x")]
    [TestCase(1, "eval", "a*b", "a=1")]
    [TestCase(2, "frobnicate")]
    [TestCase(2)]
    [TestCase(2, "eval")]
    [TestCase(2, "eval", "x", "x=1", "--frob")]
    [TestCase(2, "eval", "x", "--wrt", "x")]
    [TestCase(2, "diff", "x", "--order", "abc")]
    [TestCase(2, "check", "x", "x=1", "--scan", "-1")]
    public void Mgx_Case_DocumentedExitCode(int expected, params string[] args)
    {
        var (code, _, error) = Mgx.Run(args);
        Assert.That(code, Is.EqualTo(expected), $"mgx {string.Join(" ", args)}: {error}");
    }

    [Test]
    public void Check_ScanPastTheWorkBudget_RefusedUpFrontWithExitOne()
    {
        var formula = string.Join(" + ", Enumerable.Range(1, 2_000).Select(k => $"sin({k}*x)"));
        var (code, output, error) = Mgx.Run("check", formula, "x=-1:1", "--scan", "100000");
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(1), error);
            Assert.That(error, Is.EqualTo("mgx: a scan of 100000 points of this formula takes more than 1,000,000,000 node evaluations, the limit (FormulaOptions.MaxScanWork); scan fewer points\n"));
            Assert.That(output, Is.Empty);
        });
    }

    [TestCase(new[] { "frobnicate" }, "mgx: unknown command `frobnicate`; the commands are eval, diff, check, grad, graph, plot, train, batch (see `mgx --help`)\n")]
    [TestCase(new[] { "evl", "x" }, "mgx: unknown command `evl`; the commands are eval, diff, check, grad, graph, plot, train, batch; did you mean `eval`? (see `mgx --help`)\n")]
    [TestCase(new[] { "chek", "x" }, "mgx: unknown command `chek`; the commands are eval, diff, check, grad, graph, plot, train, batch; did you mean `check`? (see `mgx --help`)\n")]
    [TestCase(new string[0], "mgx: a command is needed: eval, diff, check, grad, graph, plot, train, batch (see `mgx --help`)\n")]
    [TestCase(new[] { "eval", "x", "x=1", "--defin" }, "mgx: unknown option `--defin` for eval; did you mean `--define`? (see `mgx eval --help`)\n")]
    [TestCase(new[] { "diff", "x", "--wtr", "x" }, "mgx: unknown option `--wtr` for diff; did you mean `--wrt`?\nmgx: unexpected argument `x` for diff (see `mgx diff --help`)\n")]
    [TestCase(new[] { "eval", "x", "x=1", "--zzzz" }, "mgx: unknown option `--zzzz` for eval (see `mgx eval --help`)\n")]
    [TestCase(new[] { "train", "--lr", "abc" }, "mgx: --lr must be a number, not `abc` (see `mgx train --help`)\n")]
    [TestCase(new[] { "check", "x", "x=1", "--scan", "many" }, "mgx: --scan must be a whole number, not `many` (see `mgx check --help`)\n")]
    public void Mgx_UsageError_NamedWithSuggestionAndExitTwo(string[] args, string expected)
    {
        var (code, output, error) = Mgx.Run(args);
        Assert.Multiple(() =>
        {
            Assert.That(error, Is.EqualTo(expected), $"mgx {string.Join(" ", args)}");
            Assert.That(error, Does.Not.Contain("Required command"));
            Assert.That(code, Is.EqualTo(2), error);
            Assert.That(output, Is.Empty);
        });
    }

    [Test]
    public void Mgx_SeveralUsageErrors_EveryOnePrinted()
    {
        var (code, _, error) = Mgx.Run("train", "--stepz", "3", "--lr", "abc", "--activation", "sigmoid");
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(2), error);
            Assert.That(lines, Has.Length.EqualTo(4), error);
            Assert.That(lines, Has.All.StartWith("mgx: "), error);
            Assert.That(error, Does.Contain("unknown option `--stepz` for train; did you mean `--steps`?"));
            Assert.That(error, Does.Contain("--lr must be a number, not `abc`"));
            Assert.That(error, Does.Contain("sigmoid"));
            Assert.That(lines[^1], Does.EndWith("(see `mgx train --help`)"));
        });
    }

    [TestCase(new[] { "eval", "sni(x)", "x=1" }, "unknown function `sni`; the functions are sin, cos, tan, asin, acos, atan, sinh, cosh, tanh, exp, log, log10, log2, sqrt, cbrt, abs, sign, relu, sigmoid, heaviside, pow, min, max, atan2; did you mean `sin`?")]
    [TestCase(new[] { "eval", "sqr(x)", "x=1" }, "; did you mean `sqrt`?")]
    [TestCase(new[] { "eval", "Tanh(x)", "x=1" }, "; did you mean `tanh`?")]
    [TestCase(new[] { "eval", "sigmiod(x)", "x=1" }, "; did you mean `sigmoid`?")]
    [TestCase(new[] { "eval", "hpy(x, x)", "x=1", "--define", "hyp(a, b) = sqrt(a**2 + b**2)" }, "; did you mean `hyp`?")]
    [TestCase(new[] { "eval", "alpha*beta", "alpha=1", "bta=2" }, "unknown parameter `bta`; the parameters are alpha, beta; did you mean `beta`?")]
    [TestCase(new[] { "eval", "fun rate -> rat*2", "rate=1" }, "unknown name `rat`; the header declares rate; did you mean `rate`?")]
    [TestCase(new[] { "eval", "zork(x)", "x=1" }, "unknown function `zork`; the functions are sin, cos")]
    public void Mgx_MisspeltFunctionOrName_SuggestsTheNearest(string[] args, string fragment)
    {
        var (code, _, error) = Mgx.Run(args);
        Assert.Multiple(() =>
        {
            Assert.That(error, Does.Contain(fragment), $"mgx {string.Join(" ", args)}");
            Assert.That(code, Is.EqualTo(1), error);
        });
    }

    [TestCase(40_000, 39_999)]
    [TestCase(40_000, 20_000)]
    [TestCase(40_000, 3)]
    [TestCase(5_000, 2_500)]
    public void Mgx_SyntaxErrorInLongFormula_OutputIsAWindowAroundTheCaret(int length, int at)
    {
        // `x+x+...` with one `)` at offset `at` (an even offset holds an x)
        var text = new StringBuilder(string.Concat(Enumerable.Repeat("x+", length / 2))[..(length - 1)]);
        text[at - (at % 2)] = ')';
        var (code, _, error) = Mgx.Run("eval", text.ToString(), "x=1");
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(1), error[..Math.Min(300, error.Length)]);
            Assert.That(error, Has.Length.LessThan(400), $"{error.Length} characters for a {length}-character formula");
            Assert.That(lines, Has.Length.EqualTo(3), error);
            Assert.That(lines[1][lines[2].Length - 1], Is.EqualTo(')'), $"the caret points at the `)`: {error}");
        });
    }

    [Test]
    public void Mgx_LongUnknownName_QuotedShort()
    {
        var name = new string('q', 30_000);
        var (code, _, error) = Mgx.Run("eval", $"x {name}", "x=1");
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(error, Has.Length.LessThan(600), error[..Math.Min(300, error.Length)]);
        });
    }

    [TestCase("\uFEFF{\"id\":1,\"op\":\"eval\",\"formula\":\"1 + 2\"}\n", "{\"id\":1,\"value\":3}\n")]
    [TestCase("\uFEFF{\"id\":1,\"op\":\"eval\",\"formula\":\"1 + 2\"}\n{\"id\":2,\"op\":\"eval\",\"formula\":\"2\"}\n", "{\"id\":1,\"value\":3}\n{\"id\":2,\"value\":2}\n")]
    public void Batch_ByteOrderMarkAtStart_Accepted(string input, string expected)
    {
        var (code, output, error) = Mgx.RunWithInput(input, "batch");
        Assert.Multiple(() =>
        {
            Assert.That(output, Is.EqualTo(expected), error);
            Assert.That(code, Is.Zero);
        });
    }

    [TestCase("sni", new[] { "sin", "cos", "sinh" }, new[] { "sin" })]
    [TestCase("sqr", new[] { "sqrt", "sin", "exp" }, new[] { "sqrt" })]
    [TestCase("SIN", new[] { "sin", "cos" }, new[] { "sin" })]
    [TestCase("--stpes", new[] { "--steps", "--seed", "--lr" }, new[] { "--steps" })]
    [TestCase("x", new[] { "y", "z", "xy" }, new[] { "xy", "y", "z" })]
    [TestCase("Tanh", new[] { "tan", "tanh", "sinh" }, new[] { "tanh" })]
    [TestCase("zork", new[] { "sin", "cos" }, new string[0])]
    [TestCase("sin", new[] { "sin" }, new string[0])]
    public void Spelling_Nearest_ClosestByEditDistance(string name, string[] known, string[] expected)
    {
        var nearest = Spelling.Nearest(name, known);
        Assert.That(nearest, Is.EqualTo(expected), $"{name} among {string.Join(", ", known)}: {string.Join(", ", nearest)}");
    }
}
