using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

[TestFixture]
public class InterpreterAgreementTests
{
    // The LINQ compiler against a plain tree walker: same IEEE operations in the same order, so the same bits.
    [Test]
    public void Compile_RandomTrees_SameBitsAsTreeWalker()
    {
        for (var seed = 0; seed < 2000; seed++)
        {
            var formula = Formula.FromTree(new RandomTrees(seed).Next(), ["x", "y", "a", "b"]);
            var at = new Dictionary<string, double> { ["x"] = 0.9, ["y"] = -0.4, ["a"] = 1.3, ["b"] = 0.2 };
            double[] values = [0.9, -0.4, 1.3, 0.2];
            var expected = Interpreter.Evaluate(formula.Tree, at, out _);
            var compiled = formula.Compile()(values);
            var interpreted = Compilation.Interpreter.Evaluate(formula.Tree, formula.Parameters, values);
            Assert.Multiple(() =>
            {
                Assert.That(compiled.Equals(expected), Is.True, $"seed {seed}: {formula} compiled {compiled:R}, oracle {expected:R}");
                Assert.That(interpreted.Equals(compiled), Is.True, $"seed {seed}: {formula} interpreted tier {interpreted:R}, compiled {compiled:R}");
            });
        }
    }

    [Test]
    public void Evaluate_ManyCalls_SwitchesTierWithoutChangingBits()
    {
        var formula = Formula.Parse("let u = sin(x)**3 in u/x - x**-2 + 2**x");
        var first = formula.Evaluate(0.37);
        for (var i = 0; i < 40; i++)
        {
            Assert.That(formula.Evaluate(0.37).Equals(first), Is.True, $"call {i}");
        }
    }

    [Test]
    public void Compile_SameTextParsedTwice_SharesCompiledDelegate()
    {
        var first = Formula.Parse("x*y + 3.25*x").Compile();
        var second = Formula.Parse("x*y   +  3.25*x").Compile();
        Assert.That(second, Is.SameAs(first));
    }
}
