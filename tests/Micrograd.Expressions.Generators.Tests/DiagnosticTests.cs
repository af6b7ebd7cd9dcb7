extern alias generator;

using Micrograd.Expressions.Generators.Tests.Support;
using Microsoft.CodeAnalysis;

namespace Micrograd.Expressions.Generators.Tests;

/// <summary>
/// Every diagnostic of the generator: its id, its place (a formula's error at the very character of the attribute's
/// string that the engine's line and column point to, through escapes, verbatim and raw strings) and, for the
/// formula's own errors, the engine's message.
/// </summary>
[TestFixture]
public class DiagnosticTests
{
    private static string Source(string attribute, string signature = "double F(double x)") => $$"""
        using System;
        using Micrograd.Expressions;
        static partial class Model
        {
            {{attribute}}
            public static partial {{signature}};
        }
        """;

    // the literal as written in C#, its value, and the character of the source the engine's error points to
    public static IEnumerable<TestCaseData> BrokenLiterals()
    {
        yield return new TestCaseData("\"x + * 2\"", "x + * 2", "*").SetName("Syntax_RegularLiteral_ErrorAtItsCharacter");
        yield return new TestCaseData("\"x +\\t\\t* 2\"", "x +\t\t* 2", "*").SetName("Syntax_LiteralWithEscapes_ErrorAtItsCharacter");
        yield return new TestCaseData("@\"x +\n      2 * )\"", "x +\n      2 * )", ")").SetName("Syntax_VerbatimMultiLine_ErrorAtItsLineAndColumn");
        yield return new TestCaseData("\"\"\"x + 2 * ) \"\"\"", "x + 2 * ) ", ")").SetName("Syntax_RawSingleLine_ErrorAtItsCharacter");
        yield return new TestCaseData("\"\"\"\n        x +\n          2 * )\n        \"\"\"", "x +\n  2 * )", ")").SetName("Syntax_RawMultiLine_ErrorAtItsLineAndColumn");
    }

    [TestCaseSource(nameof(BrokenLiterals))]
    public void Syntax_BrokenFormula_EngineMessageAtTheCharacterInsideTheLiteral(string literal, string value, string at)
    {
        Assert.That(Formula.TryParse(value, out _, out var error), Is.False, $"`{value}` should not parse");
        var source = Source($"[Formula({literal})]");
        var diagnostic = Harness.Generate(source).GeneratorDiagnostics.Single();
        Assert.Multiple(() =>
        {
            Assert.That(diagnostic.Id, Is.EqualTo("MGX0001"), $"`{value}`: {diagnostic}");
            Assert.That(diagnostic.GetMessage(), Is.EqualTo(error!.Message), $"`{value}`: the engine's message");
            Assert.That(source.Substring(diagnostic.Location.SourceSpan.Start, 1), Is.EqualTo(at), $"`{value}`: reported at {diagnostic.Location.GetLineSpan()}");
            Assert.That(diagnostic.Location.GetLineSpan().StartLinePosition, Is.EqualTo(LinePositionOf(source, diagnostic.Location.SourceSpan.Start)),
                $"`{value}`: the line and column agree with the span");
        });
    }

    private static Microsoft.CodeAnalysis.Text.LinePosition LinePositionOf(string source, int offset)
    {
        var line = source[..offset].Count(c => c == '\n');
        return new(line, offset - (source.LastIndexOf('\n', Math.Max(0, offset - 1)) + 1));
    }

    [TestCase("[Formula(\"sinn(x)\")]", "double F(double x)", "MGX0002", TestName = "Name_UnknownFunction_EngineMessage")]
    [TestCase("[Formula(\"atan2(x)\")]", "double F(double x)", "MGX0002", TestName = "Name_WrongArity_EngineMessage")]
    public void Name_FormulaNameError_ReportedWithTheEngineMessage(string attribute, string signature, string id)
    {
        var value = attribute[10..^3];
        Assert.That(Formula.TryParse(value, out _, out var error), Is.False, $"`{value}` should not parse");
        var diagnostic = Harness.Generate(Source(attribute, signature)).GeneratorDiagnostics.Single();
        Assert.That((diagnostic.Id, diagnostic.GetMessage()), Is.EqualTo((id, error!.Message)), $"`{value}`: {diagnostic}");
    }

    [TestCase("[Formula(\"x + y\")]", "double F(double x)", "MGX0003", "`y`", TestName = "Missing_FormulaParameterNotOnTheMethod_Reported")]
    [TestCase("[Formula(\"x\")]", "double F(double x, double y)", "MGX0004", "`y`", TestName = "Unused_MethodParameterNotInTheFormula_Reported")]
    [TestCase("[Formula(\"x\")]", "int F(double x)", "MGX0005", "return double or float", TestName = "Signature_IntReturn_Reported")]
    [TestCase("[Formula(\"x\")]", "double F(int x)", "MGX0005", "must be a double or float", TestName = "Signature_IntParameter_Reported")]
    [TestCase("[Formula(\"x\")]", "double F(ref double x)", "MGX0005", "must be a double or float", TestName = "Signature_RefParameter_Reported")]
    [TestCase("[Formula(\"x\", Gradient = true)]", "double F(double x)", "MGX0005", "Span<double>", TestName = "Signature_GradientWithoutSpan_Reported")]
    [TestCase("[Formula(\"x\")]", "double F(double x, Span<double> g)", "MGX0005", "only a Gradient", TestName = "Signature_SpanWithoutGradient_Reported")]
    [TestCase("[Formula(\"x\", Derivative = \"x\", Gradient = true)]", "double F(double x, Span<double> g)", "MGX0005", "both", TestName = "Signature_DerivativeAndGradient_Reported")]
    [TestCase("[Formula(\"fun y x -> x - y\")]", "double F(double x, double y)", "MGX0005", "order", TestName = "Signature_OrderAgainstFunHeader_Reported")]
    [TestCase("[Formula(\"x\", Derivative = \"z\")]", "double F(double x)", "MGX0006", "`z`", TestName = "Derivative_UnknownName_Reported")]
    [TestCase("[Formula(\"x\", Derivative = \"x,\")]", "double F(double x)", "MGX0006", "empty", TestName = "Derivative_EmptyName_Reported")]
    public void Problem_BadMethodOrAttribute_ReportedWithItsId(string attribute, string signature, string id, string mentions)
    {
        var run = Harness.Generate(Source(attribute, signature));
        var diagnostic = run.GeneratorDiagnostics.Single();
        Assert.Multiple(() =>
        {
            Assert.That(diagnostic.Id, Is.EqualTo(id), $"{attribute} {signature}: {diagnostic}");
            Assert.That(diagnostic.GetMessage(), Does.Contain(mentions), $"{attribute} {signature}: {diagnostic}");
            Assert.That(diagnostic.Severity, Is.EqualTo(DiagnosticSeverity.Error), $"{attribute} {signature}");
        });
    }

    [Test]
    public void Signature_TypeNotPartial_Reported()
    {
        var run = Harness.Generate("using Micrograd.Expressions;\nstatic class Model\n{\n    [Formula(\"x\")]\n    public static partial double F(double x);\n}\n");
        Assert.That(run.GeneratorDiagnostics.Select(d => d.Id), Is.EqualTo(new[] { "MGX0005" }), string.Join("\n", run.GeneratorDiagnostics));
    }

    [Test]
    public void Limit_OrderOverTheEngineLimit_Reported()
    {
        var order = string.Join(",", Enumerable.Repeat("x", FormulaOptions.Default.MaxOrder + 1));
        var diagnostic = Harness.Generate(Source($"[Formula(\"x**40\", Derivative = \"{order}\")]")).GeneratorDiagnostics.Single();
        Assert.That((diagnostic.Id, diagnostic.GetMessage()), Is.EqualTo(("MGX0007", $"the order {order.Split(',').Length} exceeds the limit (FormulaOptions.MaxOrder) of {FormulaOptions.Default.MaxOrder}")));
    }

    [Test]
    public void Limit_FormulaOverTheEngineCompiledNodes_Reported()
    {
        // 17,000 terms of three nodes: past FormulaOptions.MaxCompiledNodes (50,000), which Compile() refuses too
        var text = "x" + string.Concat(Enumerable.Range(1, 17_000).Select(i => $" + {i}*x"));
        Assert.That(() => Formula.Parse(text).Compile(), Throws.InstanceOf<FormulaException>(), "the engine refuses it too");
        var diagnostic = Harness.Generate(Source($"[Formula(\"{text}\")]")).GeneratorDiagnostics.Single();
        Assert.That((diagnostic.Id, diagnostic.GetMessage()), Is.EqualTo(("MGX0007",
            $"the formula has more than {FormulaOptions.Default.MaxCompiledNodes} nodes, the limit of what the engine compiles (FormulaOptions.MaxCompiledNodes)")));
    }

    [Test]
    public void Failure_GeneratorException_ReportedAsMgx9999AndTheBuildGoesOn()
    {
        // a method read as having the parameter x twice, which no C# method has: the engine's lowering throws
        var method = new generator::Micrograd.Expressions.Generators.Method("M.F.g.cs", null, new([]), "static partial", "", "double", "F",
            new([new("x", "double"), new("x", "double")]), "x", null, false, new([]), "F_Text");
        var generated = generator::Micrograd.Expressions.Generators.Writer.Generate(method, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(generated.Source, Is.Null);
            Assert.That(generated.Problems.Select(p => p.Id), Is.EqualTo(new[] { "MGX9999" }));
            Assert.That(generated.Problems[0].Arguments[0], Is.EqualTo("x"), "names the formula");
        });
    }
}
