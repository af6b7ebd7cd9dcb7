using System.Globalization;
using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions.Tests;

[TestFixture]
public class EvaluationTests
{
    private static double F(double x) => Formula.Parse("3*x**2 - 4*x + 5").Evaluate(x);

    // values by name: an unknown name is reported before a missing one, and names compare as written, whatever the
    // dictionary's own comparer
    [TestCase("x*y", "x=1,y=2", false, null)]
    [TestCase("x*y", "x=1,z=2", false, "unknown parameter `z`")]
    [TestCase("x*y", "x=1", false, "no value for parameter `y`")]
    [TestCase("x*y", "x=1,y=2,z=3", false, "unknown parameter `z`")]
    [TestCase("x*y", "X=1,y=2", true, "unknown parameter `X`")]
    [TestCase("x*y", "x=1,y=2", true, null)]
    public void Evaluate_ValuesByName_BoundOrRefused(string text, string values, bool ignoreCase, string? error)
    {
        var at = new Dictionary<string, double>(ignoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        foreach (var pair in values.Split(','))
        {
            at[pair.Split('=')[0]] = double.Parse(pair.Split('=')[1], CultureInfo.InvariantCulture);
        }

        var formula = Formula.Parse(text);
        if (error is null)
        {
            Assert.That(formula.Evaluate(at), Is.EqualTo(2.0), $"{text} at {values}");
            return;
        }

        var e = Assert.Throws<FormulaException>(() => formula.Evaluate(at), $"{text} at {values}")!;
        Assert.That(e.Message, Does.StartWith(error), $"{text} at {values}: {e.Message}");
    }

    [Test]
    public void Evaluate_SeedFunctionAtThree_IsTwenty() =>
        Assert.That(F(3.0), Is.EqualTo(20.0));

    [TestCase(2.0 / 3.0, 2.999378523327323e-06)]
    [TestCase(3.0, 14.000003002223593)]
    [TestCase(-3.0, -21.999997002808414)]
    public void ForwardDifference_SeedPoints_ReproducesSeedBitForBit(double x, double expected)
    {
        const double h = 0.000001;
        var slope = (F(x + h) - F(x)) / h;
        Assert.That(slope, Is.EqualTo(expected), $"x = {x}: {slope:R}");
    }

    [Test]
    public void ForwardDifference_AsOneFormula_ReproducesSeed()
    {
        var rise = Formula.Parse("let f0 = 3*x**2 - 4*x + 5; let x1 = x + h; let f1 = 3*x1**2 - 4*x1 + 5; (f1 - f0)/h");
        Assert.That(rise.Evaluate(3.0, 0.000001), Is.EqualTo(14.000003002223593));
    }

    [TestCase("a", 3.999699999999999, -3.000000000010772)]
    [TestCase("b", 4.0002, 2.0000000000042206)]
    [TestCase("c", 4.0001, 0.9999999999976694)]
    public void PartialBump_SeedMultiInput_ReproducesSeed(string bumped, double d2Expected, double slopeExpected)
    {
        const double h = 0.0001;
        var d = Formula.Parse("a*b + c");
        var at = new Dictionary<string, double> { ["a"] = 2.0, ["b"] = -3.0, ["c"] = 10.0 };
        var d1 = d.Evaluate(at);
        at[bumped] += h;
        var d2 = d.Evaluate(at);
        Assert.Multiple(() =>
        {
            Assert.That(d1, Is.EqualTo(4.0));
            Assert.That(d2, Is.EqualTo(d2Expected), $"d2 = {d2:R}");
            Assert.That((d2 - d1) / h, Is.EqualTo(slopeExpected), $"slope = {(d2 - d1) / h:R}");
        });
    }

    private static IEnumerable<TestCaseData> UnaryFunctions()
    {
        var math = new (string Name, Func<double, double> Reference)[]
        {
            ("sin", Math.Sin), ("cos", Math.Cos), ("tan", Math.Tan), ("asin", Math.Asin), ("acos", Math.Acos),
            ("atan", Math.Atan), ("sinh", Math.Sinh), ("cosh", Math.Cosh), ("tanh", Math.Tanh), ("exp", Math.Exp),
            ("log", Math.Log), ("ln", Math.Log), ("log10", Math.Log10), ("log2", Math.Log2), ("sqrt", Math.Sqrt), ("cbrt", Math.Cbrt),
            ("abs", Math.Abs), ("sign", x => x > 0 ? 1 : x < 0 ? -1 : x), ("relu", x => Math.Max(x, 0)),
            ("sigmoid", x => 1 / (1 + Math.Exp(-x))), ("heaviside", x => x > 0 ? 1 : 0),
        };
        foreach (var (name, reference) in math)
        {
            foreach (var x in new[] { -2.5, -0.5, 0.0, 0.3, 0.9, 4.0 })
            {
                yield return new TestCaseData(name, x, reference(x)).SetName($"Call_{name}At{x.ToString(CultureInfo.InvariantCulture)}_MatchesReference");
            }
        }
    }

    [TestCaseSource(nameof(UnaryFunctions))]
    public void Call_UnaryFunction_MatchesSystemMath(string name, double x, double expected)
    {
        var actual = Formula.Parse($"{name}(x)").Evaluate(x);
        Assert.That(actual, Is.EqualTo(expected), $"{name}({x}) = {actual}");
    }

    [TestCase("pow(x, y)", 2.0, 10.0, 1024.0)]
    [TestCase("min(x, y)", 2.0, -1.0, -1.0)]
    [TestCase("max(x, y)", 2.0, -1.0, 2.0)]
    [TestCase("atan2(x, y)", 1.0, -1.0, 2.356194490192345)]
    [TestCase("x**y", -8.0, 1.0 / 3.0, double.NaN)]
    [TestCase("x**y", 2.0, 0.5, 1.4142135623730951)]
    public void Call_BinaryFunction_MatchesSystemMath(string text, double x, double y, double expected)
    {
        var actual = Formula.Parse(text).Evaluate(x, y);
        Assert.That(actual, Is.EqualTo(expected), $"{text} at ({x}, {y}) = {actual}");
    }

    [TestCase("pi", Math.PI)]
    [TestCase("e", Math.E)]
    [TestCase("log(-1)", double.NaN)]
    [TestCase("sqrt(-1)", double.NaN)]
    [TestCase("1/0", double.PositiveInfinity)]
    [TestCase("-1/0", double.NegativeInfinity)]
    [TestCase("log(0)", double.NegativeInfinity)]
    [TestCase("0/0", double.NaN)]
    public void Evaluate_ConstantsAndDomainEdges_FollowIeee(string text, double expected)
    {
        var actual = Formula.Parse(text).Evaluate();
        Assert.That(actual, Is.EqualTo(expected), $"{text} = {actual}");
    }

    [TestCase(2.0)]
    [TestCase(-1.5)]
    [TestCase(1e-300)]
    public void Compile_SmallIntegerPowers_EqualRepeatedMultiplication(double x)
    {
        var f = Formula.Parse("x**2 + x**-1 + x**0 + x**1").Compile<Func<double, double>>();
        Assert.That(f(x), Is.EqualTo((x * x) + (1 / x) + 1 + x), $"x = {x}");
    }

    [Test]
    public void Compile_TypedDelegate_UsesParameterOrder()
    {
        var f = Formula.Parse("fun b a -> a - b").Compile<Func<double, double, double>>();
        Assert.That(f(1, 10), Is.EqualTo(9.0));
    }

    [Test]
    public void Compile_WrongDelegateArity_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => Formula.Parse("a + b").Compile<Func<double, double>>())!;
        Assert.That(error.Message, Does.Contain("2 double input(s)"));
    }

    [Test]
    public void Evaluate_MissingParameter_IsNameErrorNamingIt()
    {
        var error = Assert.Throws<FormulaException>(() => Formula.Parse("a*b").Evaluate(new Dictionary<string, double> { ["a"] = 1 }))!;
        Assert.Multiple(() =>
        {
            Assert.That(error.Kind, Is.EqualTo(FormulaErrorKind.Name));
            Assert.That(error.Message, Does.Contain("`b`"));
        });
    }

    [Test]
    public void Evaluate_UnknownParameter_IsNameError()
    {
        var error = Assert.Throws<FormulaException>(() => Formula.Parse("a").Evaluate(new Dictionary<string, double> { ["a"] = 1, ["z"] = 2 }))!;
        Assert.That(error.Message, Does.Contain("`z`"));
    }

    [Test]
    public void Evaluate_WrongValueCount_IsArityError()
    {
        var error = Assert.Throws<FormulaException>(() => Formula.Parse("a + b").Evaluate(1.0))!;
        Assert.That(error.Kind, Is.EqualTo(FormulaErrorKind.Arity), error.Message);
    }

    [Test]
    public void Compile_LetBinding_ComputedOnce()
    {
        var lambda = Compilation.LinqCompiler.ToArrayLambda(Formula.Parse("let u = sin(x) in u*u + u").Tree, ["x"]);
        var calls = new CallCounter();
        calls.Visit(lambda);
        Assert.That(calls.Count, Is.EqualTo(1), lambda.ToString());
    }

    private sealed class CallCounter : System.Linq.Expressions.ExpressionVisitor
    {
        public int Count { get; private set; }

        protected override System.Linq.Expressions.Expression VisitMethodCall(System.Linq.Expressions.MethodCallExpression node)
        {
            Count++;
            return base.VisitMethodCall(node);
        }
    }

    [Test]
    public void Compile_PowerOfTwo_HasNoPowCall()
    {
        var lambda = Compilation.LinqCompiler.ToArrayLambda(Formula.Parse("3*x**2 - 4*x + 5").Tree, ["x"]);
        var calls = new CallCounter();
        calls.Visit(lambda);
        Assert.That(calls.Count, Is.Zero, lambda.ToString());
    }

    [TestCase("de-DE")]
    [TestCase("nb-NO")]
    [TestCase("ar-SA")]
    public void ParseAndPrint_ForeignCulture_Unchanged(string culture)
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo(culture);
        try
        {
            var f = Formula.Parse("2.5*x + 1e-3");
            Assert.Multiple(() =>
            {
                Assert.That(f.Evaluate(2.0), Is.EqualTo(5.001));
                Assert.That(f.ToString(), Is.EqualTo("2.5*x + 0.001"));
                Assert.That(NumberText.Format(-1234.5), Is.EqualTo("-1234.5"));
            });
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Test]
    [SetCulture("de-DE")]
    public void Evaluate_SeedUnderGermanCulture_Unchanged() =>
        Assert.That(Formula.Parse("3*x**2 - 4*x + 5").Evaluate(0.5), Is.EqualTo(3.75));

    [TestCase(20.0, "20")]
    [TestCase(0.5, "0.5")]
    [TestCase(2.999378523327323e-06, "2.999378523327323e-06")]
    [TestCase(14.000003002223593, "14.000003002223593")]
    [TestCase(0.0001, "0.0001")]
    [TestCase(1e-5, "1e-05")]
    [TestCase(1e16, "1e+16")]
    [TestCase(1234567890123456.0, "1234567890123456")]
    [TestCase(-0.0, "-0")]
    [TestCase(double.NaN, "NaN")]
    [TestCase(double.NegativeInfinity, "-Infinity")]
    [TestCase(1.7976931348623157e308, "1.7976931348623157e+308")]
    [TestCase(5e-324, "5e-324")]
    public void NumberText_Format_ShortestRoundTripPythonLayout(double value, string expected)
    {
        var text = NumberText.Format(value);
        Assert.That(text, Is.EqualTo(expected));
        if (double.IsFinite(value))
        {
            Assert.That(double.Parse(text, CultureInfo.InvariantCulture), Is.EqualTo(value), $"{text} does not round-trip");
        }
    }
}
