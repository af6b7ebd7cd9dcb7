using Micrograd.Expressions.Syntax;
using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

[TestFixture]
public class DifferentiationTests
{
    // The readability corpus: each expected text checked by hand.
    [TestCase("3*x**2 - 4*x + 5", "x", "6*x - 4")]
    [TestCase("3*x**2 - 4*x + 5", "y", "0")]
    [TestCase("a*b + c", "a", "b")]
    [TestCase("a*b + c", "b", "a")]
    [TestCase("a*b + c", "c", "1")]
    [TestCase("x", "x", "1")]
    [TestCase("5", "x", "0")]
    [TestCase("x + x", "x", "2")]
    [TestCase("2*x + 3*x", "x", "5")]
    [TestCase("x*x", "x", "2*x")]
    [TestCase("x*x*x", "x", "3*x**2")]
    [TestCase("x**3", "x", "3*x**2")]
    [TestCase("x**-1", "x", "-1/x**2")]
    [TestCase("1/x", "x", "-1/x**2")]
    [TestCase("1/x**2", "x", "-2/x**3")]
    [TestCase("1/(2*x)", "x", "-1/(2*x**2)")]
    [TestCase("x/y", "x", "1/y")]
    [TestCase("x/y", "y", "-x/y**2")]
    [TestCase("x**2*y**3", "y", "3*x**2*y**2")]
    [TestCase("(x + 1)**2", "x", "2*(x + 1)")]
    [TestCase("sqrt(x)", "x", "1/(2*sqrt(x))")]
    [TestCase("sqrt(2*x + 1)", "x", "1/sqrt(2*x + 1)")]
    [TestCase("cbrt(x)", "x", "1/(3*cbrt(x)**2)")]
    [TestCase("exp(x)", "x", "exp(x)")]
    [TestCase("exp(3*x)", "x", "3*exp(3*x)")]
    [TestCase("exp(x**2)", "x", "2*x*exp(x**2)")]
    [TestCase("log(x)", "x", "1/x")]
    [TestCase("ln(2*x)", "x", "1/x")]
    [TestCase("log10(x)", "x", "1/(x*log(10))")]
    [TestCase("log2(x)", "x", "1/(x*log(2))")]
    [TestCase("sin(x)", "x", "cos(x)")]
    [TestCase("cos(x)", "x", "-sin(x)")]
    [TestCase("tan(x)", "x", "tan(x)**2 + 1")]
    [TestCase("sin(2*x)", "x", "2*cos(2*x)")]
    [TestCase("cos(x**2)", "x", "-2*x*sin(x**2)")]
    [TestCase("asin(x)", "x", "1/sqrt(1 - x**2)")]
    [TestCase("acos(x)", "x", "-1/sqrt(1 - x**2)")]
    [TestCase("atan(x)", "x", "1/(x**2 + 1)")]
    [TestCase("sinh(x)", "x", "cosh(x)")]
    [TestCase("cosh(x)", "x", "sinh(x)")]
    [TestCase("tanh(x)", "x", "1 - tanh(x)**2")]
    [TestCase("sigmoid(x)", "x", "sigmoid(x)*(1 - sigmoid(x))")]
    [TestCase("relu(x)", "x", "heaviside(x)")]
    [TestCase("abs(x)", "x", "sign(x)")]
    [TestCase("sign(x)", "x", "0")]
    [TestCase("heaviside(x)", "x", "0")]
    [TestCase("min(x, y)", "y", "1 - heaviside(y - x)")]
    [TestCase("max(x, y)", "x", "heaviside(x - y)")]
    [TestCase("max(x, y)", "y", "1 - heaviside(x - y)")]
    [TestCase("atan2(y, x)", "x", "-y/(x**2 + y**2)")]
    [TestCase("atan2(y, x)", "y", "x/(x**2 + y**2)")]
    [TestCase("pow(x, y)", "x", "y*x**(y - 1)")]
    [TestCase("pow(x, y)", "y", "x**y*log(x)")]
    [TestCase("x**x", "x", "x**x*(log(x) + 1)")]
    [TestCase("2**x", "x", "2**x*log(2)")]
    [TestCase("pow(2, x)", "x", "2**x*log(2)")]
    [TestCase("e**x", "x", "e**x")]
    [TestCase("x*exp(x)", "x", "exp(x) + x*exp(x)")]
    [TestCase("x*sin(x)", "x", "sin(x) + x*cos(x)")]
    [TestCase("sin(x)*cos(x)", "x", "cos(x)**2 - sin(x)**2")]
    [TestCase("sin(x)/x", "x", "cos(x)/x - sin(x)/x**2")]
    [TestCase("x/(x + 1)", "x", "1/(x + 1) - x/(x + 1)**2")]
    [TestCase("(x**2 + 1)**3", "x", "6*x*(x**2 + 1)**2")]
    [TestCase("log(x**2 + 1)", "x", "2*x/(x**2 + 1)")]
    [TestCase("exp(-x**2/2)", "x", "-x*exp(-x**2/2)")]
    [TestCase("1/(1 + exp(-x))", "x", "exp(-x)/(exp(-x) + 1)**2")]
    [TestCase("tanh(x1*w1 + x2*w2 + b)", "w1", "x1*(1 - tanh(x1*w1 + x2*w2 + b)**2)")]
    [TestCase("let e = a*b\nlet d = e + c\nd * f", "a", "b*f")]
    [TestCase("let e = a*b\nlet d = e + c\nd * f", "f", "a*b + c")]
    [TestCase("let u = x**2 in sin(u)", "x", "2*x*cos(x**2)")]
    [TestCase("pi*r**2", "r", "2*pi*r")]
    [TestCase("x**3/3 - x**2/2 + x", "x", "x**2 - x + 1")]
    [TestCase("-x", "x", "-1")]
    [TestCase("(x - y)**2", "y", "-2*(x - y)")]
    [TestCase("sqrt(x**2 + y**2)", "x", "x/sqrt(x**2 + y**2)")]
    public void Derivative_Corpus_ReadsAsWrittenByHand(string text, string variable, string expected)
    {
        var derivative = Formula.Parse(text).Derivative(variable);
        Assert.That(derivative.ToString(), Is.EqualTo(expected), $"d/d{variable} {text}");
    }

    [Test]
    public void Derivative_SeedSecondOrder_IsSix() =>
        Assert.That(Formula.Parse("3*x**2 - 4*x + 5").Derivative("x", order: 2).ToString(), Is.EqualTo("6"));

    [Test]
    public void Derivative_OrderZero_IsFormulaItself()
    {
        var f = Formula.Parse("x**2");
        Assert.That(f.Derivative("x", 0), Is.EqualTo(f));
    }

    [Test]
    public void Gradient_SeedMultiInput_IsBAOne() =>
        Assert.That(Formula.Parse("a*b + c").Gradient().Select(g => g.ToString()), Is.EqualTo(new[] { "b", "a", "1" }));

    [Test]
    public void Hessian_AnyFormula_IsSymmetricAndCorrect()
    {
        var h = Formula.Parse("x**2*y + sin(x*y)").Hessian();
        double[] at = [0.7, -1.2];
        Assert.Multiple(() =>
        {
            Assert.That(h[0, 1].Evaluate(at), Is.EqualTo(h[1, 0].Evaluate(at)).Within(1e-12));
            var expected = (2 * at[0]) + Math.Cos(at[0] * at[1]) - (at[0] * at[1] * Math.Sin(at[0] * at[1]));
            Assert.That(h[0, 1].Evaluate(at), Is.EqualTo(expected).Within(1e-12), h[0, 1].ToString());
            Assert.That(h[1, 1].Evaluate(at), Is.EqualTo(-at[0] * at[0] * Math.Sin(at[0] * at[1])).Within(1e-12), h[1, 1].ToString());
        });
    }

    [Test]
    public void Derivative_KeepsParameters_SoSameArgumentsWork()
    {
        var d = Formula.Parse("a*b + c").Derivative("a");
        Assert.Multiple(() =>
        {
            Assert.That(d.Parameters, Is.EqualTo(new[] { "a", "b", "c" }));
            Assert.That(d.Evaluate(2, -3, 10), Is.EqualTo(-3.0));
        });
    }

    [TestCase(0.0, 0.0)]
    [TestCase(-1.0, 0.0)]
    [TestCase(2.0, 1.0)]
    public void Derivative_ReluKink_FollowsMicrogradConvention(double x, double expected) =>
        Assert.That(Formula.Parse("relu(x)").Derivative("x").Evaluate(x), Is.EqualTo(expected));

    [TestCase("abs(x)", 0.0, 0.0)]
    [TestCase("max(x, 0)", 0.0, 0.0)]
    [TestCase("max(0, x)", 0.0, 1.0)]
    [TestCase("min(x, 0)", 0.0, 0.0)]
    [TestCase("min(x, x)", 1.5, 1.0)]
    [TestCase("max(x, x)", 1.5, 1.0)]
    public void Derivative_PiecewiseAtKink_DocumentedConvention(string text, double x, double expected) =>
        Assert.That(Formula.Parse(text).Derivative("x").Evaluate(x), Is.EqualTo(expected), Formula.Parse(text).Derivative("x").ToString());

    private static IEnumerable<TestCaseData> FunctionRules()
    {
        foreach (var f in Function.Table.Where(f => f.Arity > 0))
        {
            for (var i = 0; i < f.Arity; i++)
            {
                yield return new TestCaseData(f.Name, i).SetName($"Derivative_{f.Name}Argument{i}_MatchesFiniteDifferences");
            }
        }
    }

    // Inner functions make every rule go through the chain rule; points are drawn inside each domain.
    [TestCaseSource(nameof(FunctionRules))]
    public void Derivative_EveryFunctionRule_MatchesFiniteDifferences(string name, int argument)
    {
        var function = Function.Table.First(f => f.Name == name);
        var args = function.Arity == 1 ? "0.4*x + 0.1*x**2" : argument == 0 ? "0.4*x + 0.1*x**2, y" : "y, 0.4*x + 0.1*x**2";
        var formula = Formula.Parse($"fun x y -> {name}({args})");
        var derivative = formula.Derivative("x");
        var compiled = formula.Compile();
        // a seed that is the same in every process (string.GetHashCode is randomized per process)
        var random = new Random(name.Aggregate(17, (hash, c) => unchecked((hash * 31) + c)) ^ argument);
        var compared = 0;
        for (var trial = 0; trial < 400 && compared < 40; trial++)
        {
            double[] at = [(random.NextDouble() * 4) - 2, (random.NextDouble() * 4) - 1];
            if (!Numeric.TryRichardson(compiled, at, 0, out var numeric))
            {
                continue;
            }

            var symbolic = derivative.Evaluate(at);
            compared++;
            Assert.That(Numeric.Agree(symbolic, numeric), Is.True,
                $"d/dx {formula} at x={at[0]:R}, y={at[1]:R}: symbolic {derivative} = {symbolic:R}, numeric {numeric.Value:R} ± {numeric.Error:E2}");
        }

        Assert.That(compared, Is.GreaterThanOrEqualTo(10), $"too few points in the domain of {name}");
    }

    [Test]
    public void Derivative_RandomTrees_MatchFiniteDifferences()
    {
        var compared = 0;
        for (var seed = 0; seed < 1500; seed++)
        {
            var formula = Formula.FromTree(new RandomTrees(seed).Next(), ["x", "y", "a", "b"]);
            var derivative = formula.Derivative("x");
            var random = new Random(seed);
            double[] at = [(random.NextDouble() * 3) - 1.5, (random.NextDouble() * 3) - 1.5, random.NextDouble() + 0.5, random.NextDouble() - 0.5];
            if (!Numeric.TryRichardson(formula.Compile(), at, 0, out var numeric))
            {
                continue;
            }

            var symbolic = derivative.Evaluate(at);
            if (!double.IsFinite(symbolic))
            {
                continue;
            }

            compared++;
            Assert.That(Numeric.Agree(symbolic, numeric), Is.True,
                $"seed {seed}: d/dx {formula} at [{string.Join(", ", at)}]: symbolic {derivative} = {symbolic:R}, numeric {numeric.Value:R} ± {numeric.Error:E2}");
        }

        Assert.That(compared, Is.GreaterThan(500));
    }

    [Test]
    public void Derivative_Printed_ParsesBackToSameNumbers()
    {
        for (var seed = 0; seed < 500; seed++)
        {
            var formula = Formula.FromTree(new RandomTrees(seed).Next(), ["x", "y", "a", "b"]);
            var derivative = formula.Derivative("x");
            var reparsed = Formula.Parse("fun x y a b -> " + derivative);
            double[] at = [0.3, -0.7, 1.1, 0.6];
            var (expected, actual) = (derivative.Evaluate(at), reparsed.Evaluate(at));
            Assert.That(Close.Enough(expected, actual, 1e-9), Is.True,
                $"seed {seed}: {derivative} gave {expected:R}, its text reparsed gave {actual:R}");
        }
    }

    [Test]
    public void Simplify_ThousandsOfRandomTrees_TerminatesAndKeepsValue()
    {
        for (var seed = 0; seed < 4000; seed++)
        {
            // no zero literals: 0*u = 0 is true of reals but not of IEEE signed zeros (y*0 is -0 for negative y)
            var formula = Formula.FromTree(new RandomTrees(seed, zeros: false).Next(5), ["x", "y", "a", "b"]);
            var simplified = formula.Simplify();
            var at = new Dictionary<string, double> { ["x"] = 0.9, ["y"] = -0.4, ["a"] = 1.3, ["b"] = 0.2 };
            var expected = Interpreter.Evaluate(formula.Tree, at, out var allFinite);
            var actual = simplified.Evaluate(at);

            // algebra such as 0*u = 0 is only sound where every intermediate value is finite, and a rewrite's last
            // bits stay in the last bits only where no intermediate value is huge (sin of 1e79 is any number)
            if (allFinite && Math.Abs(expected) < 1e6 && Largest(formula, [0.9, -0.4, 1.3, 0.2]) < 1e6)
            {
                Assert.That(actual, Is.EqualTo(expected).Within(1e-6 * Math.Max(1, Math.Abs(expected))),
                    $"seed {seed}: {formula} simplified to {simplified}");
            }
        }
    }

    // the largest magnitude of any subtree of the formula at the point
    private static double Largest(Formula f, double[] point) =>
        Nodes.Walk(Inliner.Inline(f.Core)).Max(n => Math.Abs(Compilation.Interpreter.Evaluate(n, f.Parameters, point)));

    [TestCase("2*x + 3*x", "5*x")]
    [TestCase("x*x", "x**2")]
    [TestCase("x*x**-1", "1")]
    [TestCase("0*x + 1*y", "y + 0")]
    [TestCase("x + 0", "x + 0")]
    [TestCase("x - 0", "x")]
    [TestCase("x + -0.0 + 0.0", "x + 0")]
    [TestCase("--x", "x")]
    [TestCase("2*3*x", "6*x")]
    [TestCase("x**1", "x")]
    [TestCase("x**0", "1")]
    [TestCase("a - b", "a - b")]
    [TestCase("a + -1*b", "a - b")]
    [TestCase("a/b", "a/b")]
    [TestCase("x*2", "2*x")]
    [TestCase("(x**2)**3", "x**6")]
    [TestCase("sqrt(4) + log(1)", "2")]
    [TestCase("c*d - d*c", "0")]
    [TestCase("let u = x + 1 in 3", "3")]
    [TestCase("let u = x + 1 in u*2", "2*(x + 1)")]
    public void Simplify_Rules_GiveCanonicalText(string text, string expected) =>
        Assert.That(Formula.Parse(text).Simplify().ToString(), Is.EqualTo(expected), text);

    private static readonly double[] Specials = [0.0, -0.0, double.PositiveInfinity, double.NegativeInfinity, double.NaN, 1.5, -2.0];

    // the identities the simplifier applies as exact: the simplified formula gives the same bits at every point
    // where IEEE arithmetic is delicate (x + 0.0 is not one: -0.0 + 0.0 is 0.0, so it stays)
    [TestCase("x + -0.0", "x")]
    [TestCase("x - 0", "x")]
    [TestCase("x + 0", "x + 0")]
    [TestCase("0 + x", "x + 0")]
    [TestCase("x*1", "x")]
    [TestCase("1*x", "x")]
    [TestCase("x/1", "x")]
    [TestCase("--x", "x")]
    [TestCase("x**1", "x")]
    [TestCase("x**0", "1")]
    [TestCase("1**x", "1")]
    [TestCase("x + (-0.0 + -0.0)", "x")]
    [TestCase("x + (-0.0)**3", "x")]
    [TestCase("x*(-0.0 + 1) + 1/(x - 0)", null)]
    [TestCase("1/(x + (0.0 + -0.0))", null)]
    [TestCase("1/(x + (-0.0 - 0.0))", null)]
    public void Simplify_ExactIdentitiesAndFolding_SameBitsAtSignedZerosInfinitiesAndNaN(string text, string? expected)
    {
        var formula = Formula.Parse(text);
        var simplified = formula.Simplify();
        if (expected is not null)
        {
            Assert.That(simplified.ToString(), Is.EqualTo(expected), text);
        }

        foreach (var x in Specials)
        {
            var (before, after) = (formula.Evaluate(x), simplified.Evaluate(x));
            Assert.That(BitConverter.DoubleToInt64Bits(after) == BitConverter.DoubleToInt64Bits(before) || (double.IsNaN(before) && double.IsNaN(after)),
                Is.True, $"{text} simplified to {simplified}: at {x:R} {before:R} became {after:R}");
        }
    }

    [Test]
    public void Derivative_ThousandFactorProduct_HasLinearSize()
    {
        const int n = 1000;
        var x = new Variable("x");
        var factors = Enumerable.Range(1, n).Select(k => (Expr)new Product([new Sum([x, new Number(k)]), Exact.Reciprocal(new Number(k))])).ToList();
        var formula = Formula.FromTree(new Product([.. factors]));
        var derivative = formula.Derivative("x");
        var text = derivative.ToString();
        Assert.That(text.Length, Is.LessThan(8 * formula.ToString().Length), $"{text.Length} characters for an input of {formula.ToString().Length}");
        // d/dx of the product of (x + k)/k at 0 is the harmonic number H(n)
        Assert.That(derivative.Evaluate(0.0), Is.EqualTo(Enumerable.Range(1, n).Sum(k => 1.0 / k)).Within(1e-9).Percent);
    }

    [Test]
    public void Derivative_ThousandDeepComposition_HasLinearSize()
    {
        const int n = 1000;
        var sin = Function.Table.First(f => f.Name == "sin");
        Expr tree = new Variable("x");
        for (var i = 0; i < n; i++)
        {
            tree = new Call(sin, [tree]);
        }

        var derivative = Formula.FromTree(tree).Derivative("x");
        var text = derivative.ToString();
        Assert.That(text.Length, Is.LessThan(200 * n), $"{text.Length} characters for n = {n}");
        var x = 0.3;
        var expected = 1.0;
        for (var i = 0; i < n; i++)
        {
            expected *= Math.Cos(x);
            x = Math.Sin(x);
        }

        Assert.That(derivative.Evaluate(0.3), Is.EqualTo(expected).Within(1e-9).Percent);
    }

    [Test]
    public void Derivative_ThroughLet_SharesBindingNotExpanded()
    {
        var f = Formula.Parse("let u = sin(x)*cos(x)*exp(x)\nlet v = u*u*u\nv + u");
        var d = f.Derivative("x");
        Assert.Multiple(() =>
        {
            Assert.That(d.Tree, Is.InstanceOf<Let>(), d.ToString());
            Assert.That(Numeric.TryRichardson(f.Compile(), [0.4], 0, out var numeric), Is.True);
            Assert.That(Numeric.Agree(d.Evaluate(0.4), numeric), Is.True, $"{d} = {d.Evaluate(0.4)} vs {numeric.Value}");
        });
    }

    [Test]
    public void Derivative_LetUsedTwice_AccumulatesBothPaths()
    {
        var d = Formula.Parse("let b = a + a in b*b").Derivative("a");
        Assert.That(d.Evaluate(3.0), Is.EqualTo(24.0), d.ToString());
    }

    [Test]
    public void Derivative_RebindingShadows_UsesEarlierValue()
    {
        var f = Formula.Parse("let c = c*c\nlet c = c + x*c\nc");
        var d = f.Derivative("x");
        Assert.That(Numeric.TryRichardson(f.Compile(), [1.5, 0.5], 1, out var numeric), Is.True);
        Assert.That(Numeric.Agree(d.Evaluate(1.5, 0.5), numeric), Is.True, $"{d}: {d.Evaluate(1.5, 0.5)} vs {numeric.Value}");
    }

    // the derivative of c*x is c, -0.0 included: the same bits as reverse mode (an independent computation)
    [TestCase("-0.0*x", 1.5)]
    [TestCase("x*(-0.0)", -2.0)]
    [TestCase("(-0.0)*x + 7", 3.0)]
    [TestCase("x*(-0.0) + x*(-0.0)", 1.0)]
    [TestCase("0.0*x", -1.0)]
    public void Derivative_SignedZeroCoefficient_SameBitsAsReverseMode(string text, double at)
    {
        var f = Formula.Parse(text);
        var symbolic = f.Derivative("x").Evaluate(at);
        var reverse = f.Backpropagate(new Dictionary<string, double> { ["x"] = at }).Gradient["x"];
        Assert.That(BitConverter.DoubleToInt64Bits(symbolic), Is.EqualTo(BitConverter.DoubleToInt64Bits(reverse)),
            $"d/dx {text} at {at}: symbolic {f.Derivative("x")} = {symbolic:R}, reverse mode {reverse:R}");
    }
}
