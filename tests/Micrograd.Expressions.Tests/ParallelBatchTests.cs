using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

/// <summary>EvaluateBatch split across cores gives the bits of one core, at every point, for both overloads.</summary>
[TestFixture]
public class ParallelBatchTests
{

    [TestCase(1_000_003)]
    [TestCase(131_072)]
    [TestCase(131_071)]
    public void EvaluateBatch_RandomFormulasOnManyCores_SameBitsAsOneCore(int n)
    {
        var x = Enumerable.Range(0, n).Select(i => (i * 7.3e-6) - 3.1).ToArray();
        for (var seed = 0; seed < 12; seed++)
        {
            var tree = new RandomTrees(seed, ["x"]).Next();
            var many = Formula.FromTree(tree, ["x"], new FormulaOptions { MaxDegreeOfParallelism = 4 });
            var one = Formula.FromTree(tree, ["x"], new FormulaOptions { MaxDegreeOfParallelism = 1 });
            var (a, b, c, d) = (new double[n], new double[n], new double[n], new double[n]);
            many.EvaluateBatch(x, a);
            one.EvaluateBatch(x, b);
            many.EvaluateBatch(x.AsSpan(), c.AsSpan());
            one.EvaluateBatch(x.AsSpan(), d.AsSpan());
            var first = Enumerable.Range(0, n).FirstOrDefault(i => !Bits.Same(a[i], b[i]) || !Bits.Same(c[i], b[i]) || !Bits.Same(d[i], b[i]), -1);
            Assert.That(first, Is.EqualTo(-1), first < 0 ? "" : $"seed {seed}: {one} at x = {x[first]:R}: many cores {a[first]:R}, span {c[first]:R}, one core {b[first]:R}");
        }
    }

    [Test]
    public void EvaluateBatch_ColumnsOnManyCores_SameBitsAsEvaluate()
    {
        const int n = 300_000;
        var f = Formula.Parse("x*y - sin(x)/(1 + y*y)");
        var columns = new[] { Enumerable.Range(0, n).Select(i => i * 1e-5).ToArray(), Enumerable.Range(0, n).Select(i => 1 - (i * 3e-6)).ToArray() };
        var results = new double[n];
        f.EvaluateBatch(columns, results);
        for (var i = 0; i < n; i += 997)
        {
            Assert.That(Bits.Same(results[i], f.Evaluate(columns[0][i], columns[1][i])), Is.True, $"point {i}");
        }
    }
}
