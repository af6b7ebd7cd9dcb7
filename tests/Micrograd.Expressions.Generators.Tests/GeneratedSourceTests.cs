using System.Reflection;
using Micrograd.Expressions.Generators.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Micrograd.Expressions.Generators.Tests;

/// <summary>
/// The generated source itself: the issue's four examples against golden files (Golden/, rewritten by running the
/// tests with MGX_UPDATE_GOLDEN=1 and reviewed in the diff), C# 7.3 syntax, float and instance methods, and the
/// text constants against the engine's printing.
/// </summary>
[TestFixture]
public class GeneratedSourceTests
{
    public const string Examples = """
        using System;
        using Micrograd.Expressions;

        namespace Demo
        {
            static partial class Model
            {
                [Formula("3*x**2 - 4*x + 5")]
                public static partial double F(double x);

                [Formula("3*x**2 - 4*x + 5", Derivative = "x")]
                public static partial double DF(double x);

                [Formula("a*b + c", Gradient = true)]
                public static partial double G(double a, double b, double c, Span<double> gradient);

                [Formula("let hyp x y = sqrt(x**2 + y**2) in hyp(u, v)")]
                public static partial double H(double u, double v);
            }
        }
        """;

    [TestCase("F")]
    [TestCase("DF")]
    [TestCase("G")]
    [TestCase("H")]
    public void Golden_IssueExample_GeneratedSourceAsRecorded(string method)
    {
        var actual = Harness.Generate(Examples).Source(method);
        var path = Path.Combine(TestContext.CurrentContext.TestDirectory, "Golden", $"Demo.Model.{method}.g.cs");
        if (Environment.GetEnvironmentVariable("MGX_UPDATE_GOLDEN") == "1")
        {
            var source = Path.Combine(Repository(), "tests", "Micrograd.Expressions.Generators.Tests", "Golden", $"Demo.Model.{method}.g.cs");
            File.WriteAllText(source, actual);
            Assert.Ignore($"wrote {source}");
        }

        Assert.That(actual, Is.EqualTo(File.ReadAllText(path)), $"the generated source of {method} differs from Golden/Demo.Model.{method}.g.cs");
    }

    internal static string Repository()
    {
        var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (!File.Exists(Path.Combine(directory!.FullName, "Micrograd.Expressions.sln")))
        {
            directory = directory.Parent;
        }

        return directory.FullName;
    }

    [Test]
    public void Examples_Generated_CompileWithoutWarningsAndGiveTheEngineValues()
    {
        var run = Harness.Generate(Examples);
        Assert.That(run.GeneratorDiagnostics, Is.Empty, string.Join("\n", run.GeneratorDiagnostics));
        Assert.That(run.CompileProblems(), Is.Empty, string.Join("\n", run.CompileProblems()));
        var model = Harness.Load(run.Output).GetType("Demo.Model")!;
        double Call(string name, params object[] args) => (double)model.GetMethod(name, BindingFlags.Public | BindingFlags.Static)!.Invoke(null, args)!;
        Assert.Multiple(() =>
        {
            Assert.That(Call("F", 3.0), Is.EqualTo(Formula.Parse("3*x**2 - 4*x + 5").Evaluate(3.0)), "F(3)");
            Assert.That(Call("DF", 3.0), Is.EqualTo(Formula.Parse("3*x**2 - 4*x + 5").Derivative("x").Evaluate(3.0)), "DF(3)");
            Assert.That(Call("H", 3.0, 4.0), Is.EqualTo(5.0), "H(3, 4)");
        });
    }

    [TestCase("F", "3*x**2 - 4*x + 5", null)]
    [TestCase("DF", "3*x**2 - 4*x + 5", "x")]
    [TestCase("H", "let hyp x y = sqrt(x**2 + y**2) in hyp(u, v)", null)]
    public void TextConstant_Example_IsTheEnginePrinting(string method, string formula, string? variable)
    {
        var model = Harness.Load(Harness.Generate(Examples).Output).GetType("Demo.Model")!;
        var text = (string)model.GetField($"{method}_Text")!.GetValue(null)!;
        var parsed = Formula.Parse(formula);
        Assert.That(text, Is.EqualTo((variable is null ? parsed : parsed.Derivative(variable)).ToString()), $"{method}_Text");
    }

    [Test]
    public void Syntax_GeneratedMethods_ParseAsCSharp73()
    {
        var run = Harness.Generate(Examples + "\nnamespace Demo { static partial class More { [Formula(\"relu(x)*cbrt(x) + min(x, 2)**3\", Gradient = true)] internal static partial double K(double x, Span<double> g); } }");
        foreach (var generated in run.Result.Results[0].GeneratedSources)
        {
            var tree = CSharpSyntaxTree.ParseText(generated.SourceText, Harness.Parse(LanguageVersion.CSharp7_3));
            var problems = tree.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.That(problems, Is.Empty, $"{generated.HintName} is not C# 7.3: {string.Join("\n", problems)}");
        }
    }

    [Test]
    public void Float_InstanceMethodsOfFloat_ComputedInDoubleThenConverted()
    {
        const string source = """
            using Micrograd.Expressions;
            public partial struct Scaled
            {
                public double Factor;

                [Formula("sin(x)*x + 1/3")]
                public partial float F(float x);

                [Formula("x**2*y", Derivative = "x,x")]
                internal partial double Second(double x, float y);

                [Formula("x**2*y", Derivative = "x,y")]
                internal partial double Mixed(double x, double y);
            }
            """;
        var run = Harness.Generate(source);
        Assert.That(run.GeneratorDiagnostics.Concat(run.CompileProblems()), Is.Empty, string.Join("\n", run.GeneratorDiagnostics.Concat(run.CompileProblems())));
        var type = Harness.Load(run.Output).GetType("Scaled")!;
        var instance = Activator.CreateInstance(type);
        object? Call(string name, params object[] args) => type.GetMethod(name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)!.Invoke(instance, args);
        Assert.Multiple(() =>
        {
            Assert.That(Call("F", 0.7f), Is.EqualTo((float)Formula.Parse("sin(x)*x + 1/3").Evaluate((double)0.7f)), "F(0.7f)");
            Assert.That(Call("Second", 1.5, 3f), Is.EqualTo(Formula.Parse("x**2*y").Derivative("x", 2).Evaluate(1.5, 3.0)), "d2/dx2 at (1.5, 3)");
            Assert.That(Call("Mixed", 1.5, 3.0), Is.EqualTo(Formula.Parse("x**2*y").Derivative("x").Derivative("y").Evaluate(1.5, 3.0)), "d2/dxdy at (1.5, 3)");
        });
    }

    [Test]
    public void HintNames_OverloadsAndNestedTypes_OneFileAndOneTextConstantEach()
    {
        const string source = """
            using Micrograd.Expressions;
            namespace Demo
            {
                public static partial class Model
                {
                    [Formula("x**2")]
                    public static partial double F(double x);

                    [Formula("x*y")]
                    public static partial double F(double x, double y);

                    [Formula("x**3")]
                    public static partial float F(float x);

                    public static partial class Model2
                    {
                        [Formula("x + 1")]
                        public static partial double F(double x);
                    }
                }

                public static partial class Model<T>
                {
                    [Formula("x + 2")]
                    public static partial double F(double x);
                }
            }
            """;
        var run = Harness.Generate(source);
        var problems = run.GeneratorDiagnostics.Concat(run.CompileProblems()).ToList();
        var hints = run.Result.Results[0].GeneratedSources.Select(s => s.HintName).Order(StringComparer.Ordinal).ToList();
        Assert.That(problems, Is.Empty, $"generated {string.Join(", ", hints)}: {string.Join("\n", problems)}");
        Assert.That(hints, Is.EqualTo(new[]
        {
            "Demo.Model.F(double).g.cs", "Demo.Model.F(double,double).g.cs", "Demo.Model.F(float).g.cs", "Demo.Model`1.F(double).g.cs",
            "Demo.Model+Model2.F(double).g.cs", "Micrograd.Expressions.FormulaAttribute.g.cs", "Micrograd.Expressions.FormulaMath.g.cs",
        }.Order(StringComparer.Ordinal)));
        var model = Harness.Load(run.Output).GetType("Demo.Model")!;
        string Text(string name) => (string)model.GetField(name)!.GetValue(null)!;
        Assert.Multiple(() =>
        {
            Assert.That((Text("F_double_Text"), Text("F_double_double_Text"), Text("F_float_Text")), Is.EqualTo(("x**2", "x*y", "x**3")), "the overloads' text constants");
            Assert.That(model.GetMethod("F", [typeof(double), typeof(double)])!.Invoke(null, [2.0, 3.0]), Is.EqualTo(6.0), "F(2.0, 3.0)");
        });
    }

    // a power of a power of one, ((b)**1)**3, was once written with the assignment t = t (CS1717)
    [TestCase("((pi)**(b))/(min(pi, a)) + a - (9) - ((2.4)*(a)) + ((b)**1)**3 - (b)")]
    public void Warnings_PowerOfAPowerOfOne_NoneInTheGeneratedCode(string formula)
    {
        var run = Harness.Generate($"using Micrograd.Expressions;\nstatic partial class M {{ [Formula(\"{formula}\")] public static partial double F(double a, double b); }}");
        Assert.That(run.GeneratorDiagnostics.Concat(run.CompileProblems()), Is.Empty, $"`{formula}`:\n{run.Source("F")}");
    }
}
