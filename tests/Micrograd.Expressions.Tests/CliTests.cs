using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

[TestFixture]
public class CliTests
{
    [TestCase(new[] { "eval", "3*x**2 - 4*x + 5", "x=3" }, "20\n")]
    [TestCase(new[] { "eval", "a*b + c", "a=2", "b=-3", "c=10" }, "4\n")]
    [TestCase(new[] { "eval", "3*x**2 - 4*x + 5", "x=2/3" }, "3.666666666666667\n")]
    [TestCase(new[] { "eval", "log(-1)" }, "NaN\n")]
    [TestCase(new[] { "eval", "1/0" }, "Infinity\n")]
    [TestCase(new[] { "eval", "sin(x)", "x=pi/2" }, "1\n")]
    public void Eval_ValidFormula_PrintsValueAndExitsZero(string[] args, string expected)
    {
        var (code, output, error) = Mgx.Run(args);
        Assert.Multiple(() =>
        {
            Assert.That(output, Is.EqualTo(expected), error);
            Assert.That(code, Is.Zero, error);
        });
    }

    [Test]
    public void Eval_BadFormula_PrintsCaretAndExitsOne()
    {
        var (code, output, error) = Mgx.Run("eval", "2x");
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(output, Is.Empty);
            Assert.That(error, Is.EqualTo("mgx: Syntax error (line 1, column 2): a number cannot be followed directly by a name; write `2*x` to multiply\n  2x\n   ^\n"));
        });
    }

    [TestCase(new[] { "eval", "a*b", "a=1" }, "no value for parameter `b`")]
    [TestCase(new[] { "eval", "a", "a=1", "z=2" }, "unknown parameter `z`")]
    [TestCase(new[] { "eval", "a", "a" }, "expected name=value")]
    [TestCase(new[] { "eval", "a", "a=1,5" }, "not a number")]
    public void Eval_BadBindings_ExitsOneWithMessage(string[] args, string fragment)
    {
        var (code, _, error) = Mgx.Run(args);
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(error, Does.Contain(fragment));
        });
    }

    [TestCase("--help")]
    [TestCase("eval", "--help")]
    [TestCase("batch", "--help")]
    public void Help_AnyCommand_DescribesUsage(params string[] args)
    {
        var (code, output, _) = Mgx.Run(args);
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero);
            Assert.That(output, Does.Contain("Usage:"));
        });
    }

    [Test]
    [SetCulture("de-DE")]
    public void Eval_GermanCulture_PrintsInvariantNumbers()
    {
        var (_, output, _) = Mgx.Run("eval", "x/4", "x=3.0");
        Assert.That(output, Is.EqualTo("0.75\n"));
    }

    [TestCase(new[] { "diff", "3*x**2 - 4*x + 5" }, "6*x - 4\n")]
    [TestCase(new[] { "diff", "3*x**2 - 4*x + 5", "--order", "2" }, "6\n")]
    [TestCase(new[] { "diff", "a*b + c" }, "d/da = b\nd/db = a\nd/dc = 1\n")]
    [TestCase(new[] { "diff", "a*b + c", "--wrt", "b" }, "a\n")]
    [TestCase(new[] { "diff", "a*b + c", "--wrt", "z" }, "0\n")]
    [TestCase(new[] { "diff", "x*y", "--order", "2" }, "d^2/dx^2 = 0\nd^2/dy^2 = 0\n")]
    [TestCase(new[] { "diff", "sin(x)/x", "--format", "latex" }, "\\frac{\\cos\\left(x\\right)}{x} - \\frac{\\sin\\left(x\\right)}{{x}^{2}}\n")]
    [TestCase(new[] { "diff", "x**3", "--format", "csharp" }, "3.0 * (x * x)\n")]
    [TestCase(new[] { "diff", "x**3", "--format", "dynamic-linq" }, "3.0 * (x * x)\n")]
    [TestCase(new[] { "diff", "x**2.5", "--format", "csharp" }, "2.5 * Math.Pow(x, 1.5)\n")]
    public void Diff_Formula_PrintsDerivative(string[] args, string expected)
    {
        var (code, output, error) = Mgx.Run(args);
        Assert.Multiple(() =>
        {
            Assert.That(output, Is.EqualTo(expected), error);
            Assert.That(code, Is.Zero, error);
        });
    }

    [TestCase(new[] { "diff", "x +" }, 1, "Syntax error (line 1, column 4)")]
    [TestCase(new[] { "diff", "x", "--format", "fortran" }, 2, "--format must be one of")]
    public void Diff_BadInput_ExitsWithMessage(string[] args, int expectedCode, string fragment)
    {
        var (code, _, error) = Mgx.Run(args);
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(expectedCode), error);
            Assert.That(error, Does.Contain(fragment));
        });
    }
}
