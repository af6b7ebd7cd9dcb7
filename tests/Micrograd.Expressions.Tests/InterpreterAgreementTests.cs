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
            var expected = Interpreter.Evaluate(formula.Tree, at, out _);
            var actual = formula.Evaluate(at);
            Assert.That(actual.Equals(expected), Is.True, $"seed {seed}: {formula} compiled {actual:R}, walked {expected:R}");
        }
    }
}
