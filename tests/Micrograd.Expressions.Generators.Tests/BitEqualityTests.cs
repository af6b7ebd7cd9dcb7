using System.Globalization;
using System.Reflection;
using System.Text;
using Micrograd.Expressions.Generators.Tests.Support;

namespace Micrograd.Expressions.Generators.Tests;

/// <summary>
/// The generated methods against the engine's own compiled delegates, over random formulas: the value against
/// <c>Compile()</c>, the first derivative against <c>Derivative(p).Compile()</c> and the value and gradient against
/// <c>CompileGradient()</c>, bit for bit, the generated code compiled with Roslyn and called. All NaN counts as
/// one answer, as in the engine's own tier agreement tests: the sign and payload of a NaN made from NaN operands
/// depend on which operand the processor propagates, which the JIT may swap in a commutative operation.
/// </summary>
[TestFixture]
public class BitEqualityTests
{
    private const int Formulas = 150;
    private const int Points = 12;

    private sealed record Case(int Index, string Text, Formula Formula);

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void GeneratedMethods_RandomFormulas_SameBitsAsCompiledDelegates(int seed)
    {
        var random = new RandomFormulas(seed);
        var cases = new List<Case>();
        var source = new StringBuilder("using System;\nusing Micrograd.Expressions;\npublic static partial class Random\n{\n");
        for (var i = 0; cases.Count < Formulas; i++)
        {
            var text = random.Next();
            if (!Formula.TryParse(text, out var formula, out _) || formula.Parameters.Count == 0)
            {
                continue;
            }

            var index = cases.Count;
            cases.Add(new Case(index, text, formula));
            var literal = Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(text, quote: true);
            var parameters = string.Join(", ", formula.Parameters.Select(p => $"double {p}"));
            var arguments = string.Join(", ", formula.Parameters.Select((_, k) => $"p[{k}]"));
            source.Append($"    [Formula({literal})] public static partial double F{index}({parameters});\n");
            source.Append($"    public static double F{index}Array(double[] p) => F{index}({arguments});\n");
            source.Append($"    [Formula({literal}, Derivative = \"{formula.Parameters[0]}\")] public static partial double D{index}({parameters});\n");
            source.Append($"    public static double D{index}Array(double[] p) => D{index}({arguments});\n");
            source.Append($"    [Formula({literal}, Gradient = true)] public static partial double G{index}({parameters}, Span<double> gradient);\n");
            source.Append($"    public static double G{index}Array(double[] p, double[] g) => G{index}({arguments}, g);\n");
        }

        source.Append("}\n");
        var run = Harness.Generate(source.ToString());
        Assert.That(run.GeneratorDiagnostics, Is.Empty, $"seed {seed}: the generator reported {string.Join("\n", run.GeneratorDiagnostics)}");
        Assert.That(run.CompileProblems(), Is.Empty, $"seed {seed}: the generated code does not compile cleanly: {string.Join("\n", run.CompileProblems().Take(5))}\n"
            + string.Join("\n", run.CompileProblems().Take(1).Select(d => d.Location.SourceTree?.ToString())));
        var type = Harness.Load(run.Output).GetType("Random")!;

        foreach (var c in cases)
        {
            var value = c.Formula.Compile();
            var derivative = c.Formula.Derivative(c.Formula.Parameters[0]).Compile();
            var gradient = c.Formula.CompileGradient();
            var generatedValue = Method<Func<double[], double>>(type, $"F{c.Index}Array");
            var generatedDerivative = Method<Func<double[], double>>(type, $"D{c.Index}Array");
            var generatedGradient = Method<Func<double[], double[], double>>(type, $"G{c.Index}Array");
            for (var k = 0; k < Points; k++)
            {
                var point = random.Point(c.Formula.Parameters.Count);
                var at = $"`{c.Text}` at ({string.Join(", ", point.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))})";
                Same(generatedValue(point), value(point), $"seed {seed}, value of {at}");
                Same(generatedDerivative(point), derivative(point), $"seed {seed}, d/d{c.Formula.Parameters[0]} of {at}");
                var expected = new double[point.Length];
                var actual = new double[point.Length];
                Same(generatedGradient(point, actual), gradient(point, expected), $"seed {seed}, value with the gradient of {at}");
                for (var j = 0; j < point.Length; j++)
                {
                    Same(actual[j], expected[j], $"seed {seed}, gradient[{j}] of {at}");
                }
            }
        }
    }

    // formulas past the 3,000 nodes where Compile() cuts a formula into methods, up to near the engine's limit of
    // compiled nodes (50,000): written as one method of statements, the same bits as Compile() and CompileGradient()
    [TestCase(11_000, false)]
    [TestCase(3_000, true)]
    public void GeneratedMethods_LargeFormulas_SameBitsAsCompiledDelegates(int terms, bool gradient)
    {
        var text = "x" + string.Concat(Enumerable.Range(1, terms).Select(i => i % 3 == 0 ? $" + sin({i}*y)" : $" - {i}*x*y"));
        var formula = Formula.Parse(text);
        var literal = Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(text, quote: true);
        var source = gradient
            ? $"using System;\nusing Micrograd.Expressions;\npublic static partial class Large\n{{\n    [Formula({literal}, Gradient = true)] public static partial double G(double x, double y, Span<double> g);\n    public static double Call(double[] p, double[] g) => G(p[0], p[1], g);\n}}\n"
            : $"using Micrograd.Expressions;\npublic static partial class Large\n{{\n    [Formula({literal})] public static partial double F(double x, double y);\n    public static double Call(double[] p, double[] g) => F(p[0], p[1]);\n}}\n";
        var run = Harness.Generate(source);
        Assert.That(run.GeneratorDiagnostics.Concat(run.CompileProblems()), Is.Empty, $"{terms} terms: {string.Join("\n", run.GeneratorDiagnostics.Concat(run.CompileProblems()).Take(5))}");
        var call = Method<Func<double[], double[], double>>(Harness.Load(run.Output).GetType("Large")!, "Call");
        var value = formula.Compile();
        var gradientOf = formula.CompileGradient();
        var random = new RandomFormulas(terms);
        for (var k = 0; k < Points; k++)
        {
            var point = random.Point(2);
            var at = $"{terms} terms at ({string.Join(", ", point.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))})";
            var (expected, actual) = (new double[2], new double[2]);
            if (gradient)
            {
                Same(call(point, actual), gradientOf(point, expected), $"value with the gradient of {at}");
                Same(actual[0], expected[0], $"gradient[0] of {at}");
                Same(actual[1], expected[1], $"gradient[1] of {at}");
            }
            else
            {
                Same(call(point, actual), value(point), $"value of {at}");
            }
        }
    }

    private static T Method<T>(Type type, string name) where T : Delegate =>
        type.GetMethod(name, BindingFlags.Public | BindingFlags.Static)!.CreateDelegate<T>();

    private static void Same(double actual, double expected, string what) =>
        Assert.That(double.IsNaN(actual) && double.IsNaN(expected) ? 0 : BitConverter.DoubleToInt64Bits(actual),
            Is.EqualTo(double.IsNaN(actual) && double.IsNaN(expected) ? 0 : BitConverter.DoubleToInt64Bits(expected)),
            $"{what}: generated {actual.ToString("R", CultureInfo.InvariantCulture)}, engine {expected.ToString("R", CultureInfo.InvariantCulture)}");
}
