namespace Micrograd.Expressions.Tests;

/// <summary><c>min</c> and <c>max</c> of more than two arguments: calls folded left, Python's <c>max(a, b, c)</c>.</summary>
[TestFixture]
public class NaryMinMaxTests
{
    [TestCase("max(a, b, c)", "max(max(a, b), c)")]
    [TestCase("min(a, b, c, d)", "min(min(min(a, b), c), d)")]
    [TestCase("max(1, x, 3)", "max(max(1, x), 3)")]
    [TestCase("max(a, min(b, c, a), c)", "max(max(a, min(min(b, c), a)), c)")]
    public void Parse_MoreThanTwoArguments_NestedCallsFoldedLeft(string text, string nested)
    {
        var folded = Formula.Parse(text);
        Assert.That(folded, Is.EqualTo(Formula.Parse(nested)), $"{text} read as {folded}");
    }

    // Python: max(a, b, c) keeps the first of equals and skips NaN unless it comes first
    [TestCase("max(a, b, c)", 1.0, 3.0, 2.0, 3.0)]
    [TestCase("max(a, b, c)", double.NaN, 3.0, 2.0, double.NaN)]
    [TestCase("max(a, b, c)", 1.0, double.NaN, 2.0, 2.0)]
    [TestCase("max(a, b, c)", -0.0, 0.0, 0.0, -0.0)]
    [TestCase("min(a, b, c)", 4.0, 3.0, 5.0, 3.0)]
    [TestCase("min(a, b, c)", 0.0, -0.0, -0.0, 0.0)]
    public void Evaluate_MoreThanTwoArguments_AsPythonsMax(string text, double a, double b, double c, double expected)
    {
        var f = Formula.Parse(text);
        double[] at = [a, b, c];
        var interpreted = f.Evaluate(at);
        var compiled = f.Compile()(at);
        Assert.Multiple(() =>
        {
            Assert.That(BitConverter.DoubleToInt64Bits(interpreted), Is.EqualTo(BitConverter.DoubleToInt64Bits(expected)), $"{text} at {a}, {b}, {c}: {interpreted}");
            Assert.That(BitConverter.DoubleToInt64Bits(compiled), Is.EqualTo(BitConverter.DoubleToInt64Bits(expected)), $"{text} compiled at {a}, {b}, {c}: {compiled}");
        });
    }

    [TestCase("max(a, b, c)", 1.0, 3.0, 2.0, new[] { 0.0, 1.0, 0.0 })]
    [TestCase("max(a, b, c)", 5.0, 3.0, 2.0, new[] { 1.0, 0.0, 0.0 })]
    [TestCase("min(a, b, c)", 5.0, 3.0, 2.0, new[] { 0.0, 0.0, 1.0 })]
    public void Gradient_MoreThanTwoArguments_SlopeGoesToTheChosenArgument(string text, double a, double b, double c, double[] expected)
    {
        var gradient = new double[3];
        Formula.Parse(text).CompileGradient()([a, b, c], gradient);
        Assert.That(gradient, Is.EqualTo(expected), $"{text} at {a}, {b}, {c}: {string.Join(", ", gradient)}");
    }

    [TestCase("max(x)", "function `max` takes 2 arguments")]
    [TestCase("min()", "min")]
    public void Parse_FewerThanTwoArguments_ArityError(string text, string fragment)
    {
        var error = Assert.Throws<FormulaSyntaxException>(() => Formula.Parse(text))!;
        Assert.Multiple(() =>
        {
            Assert.That(error.Kind, Is.AnyOf(FormulaErrorKind.Arity, FormulaErrorKind.Syntax), error.Message);
            Assert.That(error.Message, Does.Contain(fragment));
        });
    }

    [Test]
    public void Parse_MoreArgumentsThanMaxDepth_LimitError()
    {
        var text = $"max({string.Join(", ", Enumerable.Range(0, FormulaOptions.Default.MaxDepth + 5).Select(i => $"x{i}"))})";
        var error = Assert.Throws<FormulaSyntaxException>(() => Formula.Parse(text))!;
        Assert.That(error.Kind, Is.EqualTo(FormulaErrorKind.Limit), error.Message);
    }

    [Test]
    public void Parse_ManyArgumentsWithinMaxDepth_EvaluatesAndDifferentiates()
    {
        var n = FormulaOptions.Default.MaxDepth / 2;
        var f = Formula.Parse($"max({string.Join(", ", Enumerable.Range(0, n).Select(i => $"x*{i}"))})");
        Assert.Multiple(() =>
        {
            Assert.That(f.Evaluate(2.0), Is.EqualTo(2.0 * (n - 1)));
            Assert.That(f.Derivative("x").Evaluate(2.0), Is.EqualTo(n - 1));
        });
    }
}
