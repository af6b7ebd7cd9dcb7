using System.Linq.Dynamic.Core;
using Micrograd.Expressions.Syntax;
using Micrograd.Expressions.Tests.Support;
using LinqExpression = System.Linq.Expressions.Expression;

namespace Micrograd.Expressions.Tests;

[TestFixture]
public class DialectTests
{
    private static readonly string[] Parameters = ["x", "y", "a", "b"];
    private static readonly double[] Point = [0.7, -0.3, 1.4, 0.25];


    private static IEnumerable<Formula> Corpus()
    {
        for (var seed = 0; seed < 300; seed++)
        {
            var formula = Formula.FromTree(new RandomTrees(seed).Next(), Parameters);
            yield return formula;
            yield return formula.Derivative("x");
        }
    }

    // every operation is written as the engine computes it (min and max as its conditionals, small whole powers as
    // its multiplications): the same bits
    private static bool Agree(Formula formula, double expected, double actual) => formula is not null && Bits.Same(expected, actual);

    [Test]
    public void DynamicLinq_EveryRendering_ParsesAndGivesOurNumbers()
    {
        var parameters = Parameters.Select(p => LinqExpression.Parameter(typeof(double), p)).ToArray();
        foreach (var formula in Corpus())
        {
            var text = formula.ToString("DynamicLinq");
            var lambda = DynamicExpressionParser.ParseLambda(parameters, typeof(double), text);
            var actual = (double)lambda.Compile().DynamicInvoke([.. Point.Cast<object>()])!;
            var expected = formula.Evaluate(Point);
            Assert.That(Agree(formula, expected, actual), Is.True, $"{formula} as {text}: ours {expected:R}, Dynamic LINQ {actual:R}");
        }
    }

    [Test]
    public void CSharp_EveryRendering_CompilesWithRoslynAndGivesOurNumbers()
    {
        var formulas = Corpus().ToList();
        var compiled = Targets.CSharp([.. formulas.Select(f => f.ToString("C#"))], Parameters);
        for (var i = 0; i < formulas.Count; i++)
        {
            var actual = compiled[i](Point);
            var expected = formulas[i].Evaluate(Point);
            Assert.That(Agree(formulas[i], expected, actual), Is.True, $"{formulas[i]} as {formulas[i].ToString("C#")}: ours {expected:R}, C# {actual:R}");
        }
    }

    // bindings whose values are used twice: inlined, the text doubles with each binding
    [TestCase("let a0 = sin(x) in ", "let a{0} = sin(a{1})*cos(a{1}) in ", 25)]
    [TestCase("let a0 = x + y in ", "let a{0} = a{1}*a{1} - b/a{1} in ", 40)]
    [TestCase("fun x y a b -> let x = x*y in ", "let x = x*x + a in ", 30)]
    public void CSharp_LetChainUsedTwice_LinearTextThatCompilesToOurNumbers(string head, string step, int bindings)
    {
        var text = new System.Text.StringBuilder(head);
        for (var i = 1; i < bindings; i++)
        {
            text.Append(string.Format(System.Globalization.CultureInfo.InvariantCulture, step, i, i - 1));
        }

        text.Append(head.Contains("let x", StringComparison.Ordinal) ? "x" : $"a{bindings - 1}");
        var formula = Formula.Parse("fun x y a b -> " + text.ToString().Replace("fun x y a b -> ", "", StringComparison.Ordinal));
        var csharp = formula.ToString("C#");
        var latex = formula.ToString("LaTeX");
        var actual = Targets.CSharp([csharp], Parameters)[0](Point);
        var expected = formula.Evaluate(Point);
        Assert.Multiple(() =>
        {
            Assert.That(csharp.Length, Is.LessThan(60 * text.Length), csharp);
            Assert.That(latex.Length, Is.LessThan(60 * text.Length), latex);
            Assert.That(latex, Does.StartWith(@"\begin{aligned}"));
            Assert.That(Close.Enough(expected, actual, 1e-9), Is.True, $"{formula} as {csharp}: ours {expected:R}, C# {actual:R}");
        });
    }

    [TestCase("sin(x)/x", @"\frac{\sin\left(x\right)}{x}")]
    [TestCase("3*x**2 - 4*x + 5", @"3 \cdot {x}^{2} - 4 \cdot x + 5")]
    [TestCase("sqrt(x**2 + y**2)", @"\sqrt{{x}^{2} + {y}^{2}}")]
    [TestCase("2*-x", @"2 \cdot \left(-x\right)")]
    [TestCase("exp(-x)*1e-06", @"e^{-x} \cdot 1 \times 10^{-6}")]
    [TestCase("w_2*alpha", @"w_{2} \cdot \mathit{alpha}")]
    [TestCase("let u = x + 1 in u*u", @"\left(x + 1\right) \cdot \left(x + 1\right)")]
    [TestCase("let u = -x in -u", @"-\left(-x\right)")]
    [TestCase("let u = -x in 2 - u", @"2 - \left(-x\right)")]
    public void LaTeX_Formula_RendersMath(string text, string expected) =>
        Assert.That(Formula.Parse(text).ToString("LaTeX"), Is.EqualTo(expected));

    [TestCase("3*x**2 - 4*x + 5", "3.0 * (x * x) - 4.0 * x + 5.0")]
    [TestCase("x**4 + y**-2", "x * x * (x * x) + 1.0 / (y * y)")]
    [TestCase("(a*b)**3*x", "(a * b) * (a * b) * (a * b) * x")]
    [TestCase("2*(x + 1)**2", "2.0 * ((x + 1.0) * (x + 1.0))")]
    [TestCase("x**-1 + x**1.5", "1.0 / x + Math.Pow(x, 1.5)")]
    [TestCase("(x**2)**3", "(x * x) * (x * x) * (x * x)")]
    [TestCase("1/2*x", "1.0 / 2.0 * x")]
    [TestCase("sign(x)", "(x > 0.0 ? 1.0 : x < 0.0 ? -1.0 : x)")]
    public void CSharp_Formula_UsesDoubleLiteralsAndMath(string text, string expected) =>
        Assert.That(Formula.Parse(text).ToString("C#"), Is.EqualTo(expected));

    [TestCase("G", "x**2 + 1")]
    [TestCase("formula", "x**2 + 1")]
    [TestCase("csharp", "x * x + 1.0")]
    [TestCase("C#", "x * x + 1.0")]
    [TestCase("latex", "{x}^{2} + 1")]
    [TestCase("dynamic-linq", "x * x + 1.0")]
    [TestCase("sql", "power(\"x\", CAST(2 AS DOUBLE PRECISION)) + CAST(1 AS DOUBLE PRECISION)")]
    public void ToString_KnownFormat_WritesThatDialect(string format, string expected)
    {
        var text = Formula.Parse("x**2 + 1").ToString(format);
        Assert.That(text, Is.EqualTo(expected), $"x**2 + 1 as {format}: {text}");
    }

    [Test]
    public void ToString_UnknownFormat_Throws() =>
        Assert.Throws<FormatException>(() => Formula.Parse("x").ToString("Fortran"));

    // The IQueryable example of docs/differentiation.md.
    [Test]
    public void DynamicLinq_DerivativeInQueryable_SelectsAndFilters()
    {
        var slope = Formula.Parse("3*x**2 - 4*x + 5").Derivative("x").ToString("DynamicLinq");
        var points = new[] { new Sample(-3.0), new Sample(2.0 / 3.0), new Sample(3.0) }.AsQueryable();
        var rising = points.Where($"{slope.Replace("x", "X", StringComparison.Ordinal)} > 0").Select($"new (X, {slope.Replace("x", "X", StringComparison.Ordinal)} as Slope)").ToDynamicList();
        Assert.Multiple(() =>
        {
            Assert.That(slope, Is.EqualTo("6.0 * x - 4.0"));
            Assert.That(rising, Has.Count.EqualTo(1));
            Assert.That((double)rising[0].Slope, Is.EqualTo(14.0));
        });
    }

    public sealed record Sample(double X);

    // two minus signs never touch: C#'s -- is the decrement, and a let of a negation used negated is -(-c)
    [TestCase("let u = -c in -u")]
    [TestCase("let u = -c in let v = -u in -v")]
    [TestCase("let u = -c in 2*-u")]
    [TestCase("let u = -c in -u**2")]
    [TestCase("let u = -c in -sigmoid(-u)")]
    [TestCase("let u = -c in -(u - -u)")]
    public void CSharpAndDynamicLinq_NestedNegation_NoDecrementAndOurBits(string text)
    {
        var f = Formula.Parse(text);
        var csharp = f.ToString("C#");
        var linq = f.ToString("DynamicLinq");
        var toCSharp = Targets.CSharp([csharp], ["c"])[0];
        var toLinq = Targets.DynamicLinq(linq, ["c"]);
        foreach (var c in new[] { 1.5, -0.25, 0.0, -0.0 })
        {
            var expected = f.Evaluate(c);
            Assert.Multiple(() =>
            {
                Assert.That(csharp, Does.Not.Contain("--"));
                Assert.That(linq, Does.Not.Contain("--"));
                Assert.That(Bits.Same(expected, toCSharp([c])), Is.True, $"{text} as {csharp} at c={c:R}: ours {Bits.Show(expected)}, C# {Bits.Show(toCSharp([c]))}");
                Assert.That(Bits.Same(expected, toLinq([c])), Is.True, $"{text} as {linq} at c={c:R}: ours {Bits.Show(expected)}, Dynamic LINQ {Bits.Show(toLinq([c]))}");
            });
        }
    }

    // every constant a double can be, read back by the target to the same bits
    private static readonly double[] Constants =
    [
        0.0, -0.0, double.PositiveInfinity, double.NegativeInfinity, double.NaN, double.Epsilon, -double.Epsilon,
        2.2250738585072009e-308, double.MaxValue, -double.MaxValue, 9007199254740994, 18014398509481988, 1e20, 0.1,
        0.30000000000000004, -1.5, 1e-5,
    ];

    private static IEnumerable<TestCaseData> ConstantCases() => Constants.Select(c => new TestCaseData(c).SetArgDisplayNames(Bits.Show(c)));

    [TestCaseSource(nameof(ConstantCases))]
    public void CSharp_Constant_ReadsBackToTheSameBits(double value)
    {
        var forms = ConstantForms(value);
        var compiled = Targets.CSharp([.. forms.Select(f => f.ToString("C#"))], ["x"]);
        for (var i = 0; i < forms.Length; i++)
        {
            var (expected, actual) = (forms[i].Evaluate(1.0), compiled[i]([1.0]));
            Assert.That(Bits.Same(expected, actual), Is.True, $"{forms[i]} as {forms[i].ToString("C#")}: ours {Bits.Show(expected)}, C# {Bits.Show(actual)}");
        }
    }

    [TestCaseSource(nameof(ConstantCases))]
    public void DynamicLinq_ConstantAfterEitherZeroWasRead_ReadsBackToTheSameBits(double value)
    {
        // Dynamic LINQ keeps one constant per value for the process: read both zeros first, as other queries may
        DynamicExpressionParser.ParseLambda([], typeof(double), "-0.0").Compile();
        DynamicExpressionParser.ParseLambda([], typeof(double), "0.0").Compile();
        foreach (var f in ConstantForms(value))
        {
            var text = f.ToString("DynamicLinq");
            var (expected, actual) = (f.Evaluate(1.0), Targets.DynamicLinq(text, ["x"])([1.0]));
            Assert.That(Bits.Same(expected, actual), Is.True, $"{f} as {text}: ours {Bits.Show(expected)}, Dynamic LINQ {Bits.Show(actual)}");
        }
    }

    [TestCaseSource(nameof(ConstantCases))]
    public void Formula_Constant_ParsesBackToTheSameBits(double value)
    {
        foreach (var f in ConstantForms(value))
        {
            var text = f.ToString();
            var (expected, actual) = (f.Evaluate(1.0), Formula.Parse(text.StartsWith("fun ", StringComparison.Ordinal) ? text : "fun x -> " + text).Evaluate(1.0));
            Assert.That(Bits.Same(expected, actual), Is.True, $"{f.Tree} as {text}: ours {Bits.Show(expected)}, read back {Bits.Show(actual)}");
        }
    }

    // the constant alone, as a factor, subtracted, negated and as a function's argument: each place a sign can go
    internal static Formula[] ConstantForms(double value)
    {
        var c = new Number(value);
        var x = new Variable("x");
        return [.. new Expr[]
        {
            new Sum([x, new Product([new Number(0.0), x]), c]),
            new Product([x, c]),
            new Sum([x, new Product([Exact.MinusOne, c])]),
            new Product([Exact.MinusOne, new Sum([c, new Product([new Number(0.0), x])])]),
            new Call(Function.Named("sign"), [c]),
            new Call(Function.Named("min"), [c, x]),
        }.Select(e => Formula.FromTree(e, ["x"]))];
    }

    // names the target reserves: C# keywords take @, Math and Func make the text name System's types from global::
    [TestCase("new + class*double - Math")]
    [TestCase("Math*sin(Func) + abs(Math)")]
    [TestCase("let new = int*int in new + sqrt(new)")]
    [TestCase("let Func = x*x in Func + Func*Func + sin(Func) + Func**3 + Func**0.5 + Func/(1 + Func) + min(Func, x) + cos(Func)")]
    public void CSharp_ReservedName_CompilesToOurBits(string text)
    {
        var f = Formula.Parse(text);
        AssertOurBits(f, "C#", [.. f.Parameters.Select((_, i) => 0.25 + i)]);
    }

    // the dialect's text, read by its real target, gives Evaluate's bits at the values
    private static void AssertOurBits(Formula f, string dialect, double[] values)
    {
        var text = f.ToString(dialect);
        var run = dialect == "C#" ? Targets.CSharp([text], f.Parameters)[0] : Targets.DynamicLinq(text, f.Parameters);
        var (expected, actual) = (f.Evaluate(values), run(values));
        Assert.That(Bits.Same(expected, actual), Is.True,
            $"{f} as {text} at ({string.Join(", ", values)}): ours {Bits.Show(expected)}, {dialect} {Bits.Show(actual)}");
    }

    [TestCase("new + iif*np - Math")]
    [TestCase("it + parent*root + Math*abs(x)")]
    [TestCase("_new*NEW + __new - _Math + And*or + mod*not + true + null + In")]
    [TestCase("isnull*cast + as*is + OfType + eq*ne*lt*le*gt*ge")]
    public void DynamicLinq_ReservedName_ParsesWithUnderscoreAndGivesOurBits(string text)
    {
        var f = Formula.Parse(text);
        AssertOurBits(f, "DynamicLinq", [.. f.Parameters.Select((_, i) => 0.25 + i)]);
    }

    // a host's formula-defined function: Dynamic LINQ cannot call it, so its body is written out
    [TestCase("hyp(a, b) + a")]
    [TestCase("twice(hyp(a, -b)) - hyp(b, a)")]
    [TestCase("twice(twice(a - b))")]
    public void DynamicLinq_DefinedFunction_WrittenOutWithOurBits(string text)
    {
        var context = FormulaContext.Default.WithFunction("hyp(x, y) = sqrt(x**2 + y**2)").WithFunction("twice(u) = -hyp(u, -u) - u");
        var f = Formula.Parse(text, context);
        Assert.That(f.ToString("DynamicLinq"), Does.Not.Contain("hyp(").And.Not.Contain("twice("));
        AssertOurBits(f, "DynamicLinq", [0.75, -1.25]);
    }

    // min and max as the engine computes them (Python's), not as Math.Min and Math.Max
    [TestCase("min(x, y)", 0.0, -0.0)]
    [TestCase("max(x, y)", -0.0, 0.0)]
    [TestCase("min(x, y)", 1.0, double.NaN)]
    [TestCase("max(x, y)", 1.0, double.NaN)]
    [TestCase("max(x, y)", double.NaN, 1.0)]
    public void CSharpAndDynamicLinq_MinMaxAtZerosAndNaN_OurBits(string text, double x, double y)
    {
        var f = Formula.Parse(text);
        Assert.Multiple(() =>
        {
            AssertOurBits(f, "C#", [x, y]);
            AssertOurBits(f, "DynamicLinq", [x, y]);
        });
    }

    // a template that writes its argument more than once (C#'s sign three times) is counted at each place
    [TestCase("C#", "sign({0})", 9)]
    [TestCase("DynamicLinq", "sign({0})", 9)]
    [TestCase("C#", "max({0}, 1)", 14)]
    [TestCase("SQL", "cbrt({0})", 9)]
    [TestCase("SQL", "relu({0})", 14)]
    public void ToString_TemplateRepeatsArgument_LimitErrorOrTextWithinLimit(string dialect, string step, int depth)
    {
        var options = new FormulaOptions { MaxOutputLength = 20_000 };
        var text = "x - y";
        for (var i = 0; i < depth; i++)
        {
            text = string.Format(System.Globalization.CultureInfo.InvariantCulture, step, text);
            var f = Formula.Parse(text, options);
            try
            {
                var printed = f.ToString(dialect);
                Assert.That(printed, Has.Length.LessThanOrEqualTo(options.MaxOutputLength), $"{Shown.Text(text)} in {dialect}");
            }
            catch (FormulaException e)
            {
                Assert.That(e.Kind, Is.EqualTo(FormulaErrorKind.Limit), $"{Shown.Text(text)} in {dialect}: {e.Message}");
                Assert.That(i, Is.GreaterThan(2), $"{Shown.Text(text)} in {dialect} is short, yet refused: {e.Message}");
                return;
            }
        }

        Assert.Fail($"{Shown.Text(text)} in {dialect} was never refused: its text grows as the template's uses to the depth");
    }

    // a parameter that shadows a constant: the header is written once and the text reads back
    [TestCase("fun e x -> e**x + e*x", "x", 1)]
    [TestCase("fun e x -> e**x + e*x", "e", 2)]
    [TestCase("fun pi r -> pi*r**2 + (let e = r in e*pi)", "r", 2)]
    [TestCase("fun x e -> let y = e*x in y**e", "e", 1)]
    public void Formula_DerivativeWithParameterNamedAsConstant_OneHeaderAndReadsBack(string text, string variable, int order)
    {
        var d = Formula.Parse(text).Derivative(variable, order);
        var printed = d.ToString();
        var back = Formula.Parse(printed);
        Assert.Multiple(() =>
        {
            Assert.That(printed.Split("fun ").Length - 1, Is.EqualTo(1), printed);
            Assert.That(back.Parameters, Is.EqualTo(d.Parameters), printed);
            Assert.That(back.Evaluate(1.5, 2.5), Is.EqualTo(d.Evaluate(1.5, 2.5)), printed);
        });
    }

    // -(-1/u) reads as 1/u: folded to u**-1 it became a division inside a product, x*-(-1/y) computing x/y
    [TestCase("x*-(-1/y)")]
    [TestCase("x*-(-1/(y + 0))")]
    [TestCase("x*---(-1/y)*1")]
    public void Formula_NegatedReciprocalInProduct_ComputesTheProductOfTheReciprocal(string text)
    {
        var f = Formula.Parse(text);
        var (expected, actual) = (5.0 * (1.0 / 3.0), f.Evaluate(5.0, 3.0));
        Assert.Multiple(() =>
        {
            Assert.That(expected, Is.Not.EqualTo(5.0 / 3.0), "the test needs x*(1/y) and x/y to differ");
            Assert.That(Bits.Same(expected, actual), Is.True, $"{text} read as {f}: {Bits.Show(actual)}, not x*(1/y) {Bits.Show(expected)}");
            Assert.That(Bits.Same(actual, Formula.Parse("fun x y -> " + f).Evaluate(5.0, 3.0)), Is.True, $"{f} reads back");
        });
    }
}
