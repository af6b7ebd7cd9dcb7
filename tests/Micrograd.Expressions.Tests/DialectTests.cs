using System.Linq.Dynamic.Core;
using System.Reflection;
using Micrograd.Expressions.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using LinqExpression = System.Linq.Expressions.Expression;

namespace Micrograd.Expressions.Tests;

[TestFixture]
public class DialectTests
{
    private static readonly string[] Parameters = ["x", "y", "a", "b"];
    private static readonly double[] Point = [0.7, -0.3, 1.4, 0.25];

    // Dialects compute u**n with Math.Pow where the engine multiplies (docs/language.md), so the last bits may differ.

    private static IEnumerable<Formula> Corpus()
    {
        for (var seed = 0; seed < 300; seed++)
        {
            var formula = Formula.FromTree(new RandomTrees(seed).Next(), Parameters);
            yield return formula;
            yield return formula.Derivative("x");
        }
    }

    // The renderings call Math.Min and Math.Max, which propagate NaN where the engine follows Python's min and
    // max (documented in language.md); everything else must agree.
    private static bool Agree(Formula formula, double expected, double actual) =>
        Close.Enough(expected, actual, 1e-9)
        || ((double.IsNaN(expected) || double.IsNaN(actual)) && formula.ToString() is var text
            && (text.Contains("min(", StringComparison.Ordinal) || text.Contains("max(", StringComparison.Ordinal)));

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
        var type = Rendered(formulas.Select(f => f.ToString("C#")));
        for (var i = 0; i < formulas.Count; i++)
        {
            var actual = (double)type.GetMethod($"F{i}")!.Invoke(null, [.. Point.Cast<object>()])!;
            var expected = formulas[i].Evaluate(Point);
            Assert.That(Agree(formulas[i], expected, actual), Is.True, $"{formulas[i]} as {formulas[i].ToString("C#")}: ours {expected:R}, C# {actual:R}");
        }
    }

    // methods F0, F1, ... (double x, double y, double a, double b) => each C# expression, compiled by Roslyn
    private static Type Rendered(IEnumerable<string> expressions)
    {
        var methods = expressions.Select((text, i) => $"public static double F{i}(double x, double y, double a, double b) => {text};");
        var source = $"using System; public static class Rendered {{ {string.Join("\n", methods)} }}";
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is "System.Runtime.dll" or "System.Private.CoreLib.dll" or "netstandard.dll")
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("Rendered", [CSharpSyntaxTree.ParseText(source)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var stream = new MemoryStream();
        var emitted = compilation.Emit(stream);
        Assert.That(emitted.Success, Is.True, string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(5)));
        return Assembly.Load(stream.ToArray()).GetType("Rendered")!;
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
        var type = Rendered([csharp]);
        var actual = (double)type.GetMethod("F0")!.Invoke(null, [.. Point.Cast<object>()])!;
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
    public void LaTeX_Formula_RendersMath(string text, string expected) =>
        Assert.That(Formula.Parse(text).ToString("LaTeX"), Is.EqualTo(expected));

    [TestCase("3*x**2 - 4*x + 5", "3.0 * Math.Pow(x, 2.0) - 4.0 * x + 5.0")]
    [TestCase("1/2*x", "1.0 / 2.0 * x")]
    [TestCase("sign(x)", "(x > 0.0 ? 1.0 : x < 0.0 ? -1.0 : x)")]
    public void CSharp_Formula_UsesDoubleLiteralsAndMath(string text, string expected) =>
        Assert.That(Formula.Parse(text).ToString("C#"), Is.EqualTo(expected));

    [TestCase("G")]
    [TestCase("csharp")]
    [TestCase("latex")]
    [TestCase("dynamic-linq")]
    public void ToString_KnownFormat_Accepted(string format) =>
        Assert.That(Formula.Parse("x + 1").ToString(format), Is.Not.Empty);

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
}
