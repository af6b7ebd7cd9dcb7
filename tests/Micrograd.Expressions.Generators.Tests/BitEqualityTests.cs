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

    private static T Method<T>(Type type, string name) where T : Delegate =>
        type.GetMethod(name, BindingFlags.Public | BindingFlags.Static)!.CreateDelegate<T>();

    private static void Same(double actual, double expected, string what) =>
        Assert.That(double.IsNaN(actual) && double.IsNaN(expected) ? 0 : BitConverter.DoubleToInt64Bits(actual),
            Is.EqualTo(double.IsNaN(actual) && double.IsNaN(expected) ? 0 : BitConverter.DoubleToInt64Bits(expected)),
            $"{what}: generated {actual.ToString("R", CultureInfo.InvariantCulture)}, engine {expected.ToString("R", CultureInfo.InvariantCulture)}");
}
