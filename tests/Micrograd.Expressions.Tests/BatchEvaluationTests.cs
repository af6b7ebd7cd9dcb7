using Micrograd.Expressions.Compilation;
using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

[TestFixture]
public class BatchEvaluationTests
{
    [TestCase("3*x**2 - 4*x + 5", true)]
    [TestCase("sqrt(abs(x))/(x**4 + 1) - 1/x", true)]
    [TestCase("let u = x*x in u*u - u/3", true)]
    [TestCase("sin(x)*exp(-x)", false)]
    [TestCase("x**2.5", false)]
    public void EvaluateBatch_ManyPoints_SameBitsAsScalar(string text, bool vectorizable)
    {
        var formula = Formula.Parse(text);
        BatchCompiler.Compile(formula.Tree, formula.Parameters, out var vectorized);
        var x = Enumerable.Range(0, 1027).Select(i => (i - 500) / 37.0).ToArray();
        var y = new double[x.Length];
        formula.EvaluateBatch(x, y);
        var scalar = formula.Compile();
        Assert.Multiple(() =>
        {
            Assert.That(vectorized, Is.EqualTo(vectorizable && System.Numerics.Vector.IsHardwareAccelerated));
            for (var i = 0; i < x.Length; i++)
            {
                Assert.That(y[i].Equals(scalar([x[i]])), Is.True, $"{text} at {x[i]:R}: batch {y[i]:R}, scalar {scalar([x[i]]):R}");
            }
        });
    }

    [Test]
    public void EvaluateBatch_Spans_MatchArrays()
    {
        var formula = Formula.Parse("x**3 - x");
        var x = Enumerable.Range(0, 10_000).Select(i => i / 1000.0).ToArray();
        var fromArrays = new double[x.Length];
        var fromSpans = new double[x.Length];
        formula.EvaluateBatch(x, fromArrays);
        formula.EvaluateBatch(x.AsSpan(), fromSpans.AsSpan());
        Assert.That(fromSpans, Is.EqualTo(fromArrays));
    }

    [Test]
    public void EvaluateBatch_Columns_SeveralParameters()
    {
        var formula = Formula.Parse("a*b + c");
        double[] a = [2, 1, 0, -1, 5], b = [-3, 2, 7, 4, 0.5], c = [10, 0, 1, 2, 3];
        var results = new double[5];
        formula.EvaluateBatch([a, b, c], results);
        Assert.That(results, Is.EqualTo(new[] { 4.0, 2, 1, -2, 5.5 }));
    }

    [Test]
    public void EvaluateBatch_RandomTrees_SameBitsAsScalar()
    {
        var columns = Enumerable.Range(0, 4).Select(k => Enumerable.Range(0, 37).Select(i => Math.Sin((i * 4) + k)).ToArray()).ToArray();
        for (var seed = 0; seed < 300; seed++)
        {
            var formula = Formula.FromTree(new RandomTrees(seed).Next(), ["x", "y", "a", "b"]);
            var results = new double[37];
            formula.EvaluateBatch(columns, results);
            var scalar = formula.Compile();
            for (var i = 0; i < 37; i++)
            {
                var expected = scalar([columns[0][i], columns[1][i], columns[2][i], columns[3][i]]);
                Assert.That(results[i].Equals(expected), Is.True, $"seed {seed}: {formula} at point {i}: batch {results[i]:R}, scalar {expected:R}");
            }
        }
    }

    [Test]
    public void EvaluateBatch_WrongShapes_Throw()
    {
        var formula = Formula.Parse("a + b");
        Assert.Multiple(() =>
        {
            Assert.That(() => formula.EvaluateBatch([new double[3], new double[2]], new double[3]), Throws.ArgumentException);
            Assert.That(() => formula.EvaluateBatch([new double[3], new double[3]], new double[2]), Throws.ArgumentException);
            Assert.That(() => formula.EvaluateBatch(new double[3], new double[3]), Throws.InstanceOf<FormulaException>());
        });
    }
}
