using Micrograd.Expressions.Syntax;
using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

/// <summary>
/// Random formulas with nested negations, unary minus at every position, signed zeros and non-finite constants,
/// printed in each dialect and read by the real target (Roslyn, System.Linq.Dynamic.Core, the engine's own reader):
/// the value is Evaluate's, to the bit. The SQL dialect's property test runs in the databases (DatabaseTests).
/// </summary>
[TestFixture]
public class DialectPropertyTests
{
    private static readonly string[] Parameters = ["x", "y", "a", "b"];

    private static readonly double[][] Points = [[0.7, -0.3, 1.4, 0.25], [0.0, -0.0, 2.0, -1.5], [-2.5, 0.5, -0.0, 3.0]];

    private static List<Formula> Corpus(int count) =>
        [.. Enumerable.Range(0, count).Select(seed => Formula.FromTree(HostileTrees.Next(seed, Parameters, nonFinite: true), Parameters))];

    // C# and Dynamic LINQ write every operation as the engine computes it, small whole powers as multiplications
    // included (docs/differentiation.md): the same bits, NaN's sign and payload aside
    private static bool Agree(Formula f, double expected, double actual) => f is not null && Bits.Same(expected, actual);

    [Test]
    [Category(Categories.Slow)]
    public void CSharp_HostileRandomFormulas_RoslynGivesOurBits()
    {
        var formulas = Corpus(300);
        var texts = formulas.Select(f => f.ToString("C#")).ToList();
        var compiled = Targets.CSharp(texts, Parameters);
        Assert.Multiple(() =>
        {
            for (var i = 0; i < formulas.Count; i++)
            {
                Assert.That(texts[i], Does.Not.Contain("--"), $"{formulas[i]}: a decrement in {texts[i]}");
                foreach (var p in Points)
                {
                    var (expected, actual) = (formulas[i].Evaluate(p), compiled[i](p));
                    Assert.That(Agree(formulas[i], expected, actual), Is.True,
                        $"seed {i}: {formulas[i]} as {texts[i]} at ({string.Join(", ", p)}): ours {Bits.Show(expected)}, C# {Bits.Show(actual)}");
                }
            }
        });
    }

    [Test]
    public void DynamicLinq_HostileRandomFormulas_ParsedGivesOurBits()
    {
        // both zeros read first, as another query of the process may have: the text must not depend on which
        System.Linq.Dynamic.Core.DynamicExpressionParser.ParseLambda([], typeof(double), "-0.0");
        var formulas = Corpus(300);
        Assert.Multiple(() =>
        {
            for (var i = 0; i < formulas.Count; i++)
            {
                var text = formulas[i].ToString("DynamicLinq");
                var run = Targets.DynamicLinq(text, Parameters);
                foreach (var p in Points)
                {
                    var (expected, actual) = (formulas[i].Evaluate(p), run(p));
                    Assert.That(Agree(formulas[i], expected, actual), Is.True,
                        $"seed {i}: {formulas[i]} as {text} at ({string.Join(", ", p)}): ours {Bits.Show(expected)}, Dynamic LINQ {Bits.Show(actual)}");
                }
            }
        });
    }

    [Test]
    public void Formula_HostileRandomFormulas_ReadBackGivesOurBits()
    {
        var formulas = Corpus(500);
        Assert.Multiple(() =>
        {
            for (var i = 0; i < formulas.Count; i++)
            {
                var text = formulas[i].ToString();
                var back = Formula.Parse(text.StartsWith("fun ", StringComparison.Ordinal) ? text : $"fun {string.Join(" ", Parameters)} -> {text}");
                foreach (var p in Points)
                {
                    var (expected, actual) = (formulas[i].Evaluate(p), back.Evaluate(p));
                    Assert.That(Bits.Same(expected, actual), Is.True,
                        $"seed {i}: {formulas[i].Core} as {text} at ({string.Join(", ", p)}): ours {Bits.Show(expected)}, read back {Bits.Show(actual)}");
                }
            }
        });
    }

    // LaTeX has no reader here: its text is checked for what a reader needs, groups that close and no fused signs
    [Test]
    public void LaTeX_HostileRandomFormulas_BalancedGroupsAndNoFusedSigns()
    {
        Assert.Multiple(() =>
        {
            foreach (var f in Corpus(500))
            {
                var text = f.ToString("LaTeX");
                Assert.That(text.Count(c => c == '{'), Is.EqualTo(text.Count(c => c == '}')), text);
                Assert.That(text.Split(@"\left(").Length, Is.EqualTo(text.Split(@"\right)").Length), text);
                Assert.That(text, Does.Not.Match(@"[-+] ?-"), text);
            }
        });
    }

    // the output budget is checked on a bound computed without writing: it must bound what is written
    [TestCase("G")]
    [TestCase("C#")]
    [TestCase("LaTeX")]
    [TestCase("DynamicLinq")]
    [TestCase("SQL")]
    [TestCase("MathML")]
    public void Length_HostileRandomFormulas_BoundsTheWrittenText(string format)
    {
        var dialect = Formula.ParseDialect(format);
        Assert.Multiple(() =>
        {
            foreach (var f in Corpus(300))
            {
                var text = f.ToString(format);
                var bound = Printer.Length(Inliner.Inline(f.Core), dialect);
                Assert.That(text, Has.Length.LessThanOrEqualTo(bound), $"{f.Core} in {format}: bound {bound}, text {text}");
            }
        });
    }
}
