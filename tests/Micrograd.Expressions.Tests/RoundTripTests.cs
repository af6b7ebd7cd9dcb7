using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

[TestFixture]
public class RoundTripTests
{
    [Test]
    public void PrintThenParse_GeneratedTrees_GivesEqualTree()
    {
        for (var seed = 0; seed < 3000; seed++)
        {
            var tree = new RandomTrees(seed).Next();
            var text = Formula.FromTree(tree).ToString();
            var parsed = Formula.Parse(text).Tree;
            Assert.That(parsed, Is.EqualTo(tree), $"seed {seed}: printed as {text}, parsed back as {Formula.FromTree(parsed)}");
        }
    }

    [Test]
    public void PrintThenParse_GeneratedTrees_EvaluatesToSameBits()
    {
        for (var seed = 0; seed < 500; seed++)
        {
            var formula = Formula.FromTree(new RandomTrees(seed).Next(), ["x", "y", "a", "b"]);
            var reparsed = Formula.Parse("fun x y a b -> " + formula);
            double[] at = [0.7, -1.3, 2.1, 0.4];
            var expected = formula.Evaluate(at);
            var actual = reparsed.Evaluate(at);
            Assert.That(BitConverter.DoubleToInt64Bits(actual), Is.EqualTo(BitConverter.DoubleToInt64Bits(expected)).Or.Matches<long>(_ => double.IsNaN(expected) && double.IsNaN(actual)),
                $"seed {seed}: {formula} gave {expected}, reparsed {actual}");
        }
    }
}
