extern alias generator;

using Micrograd.Expressions.Generators.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using FormulaGenerator = generator::Micrograd.Expressions.Generators.FormulaGenerator;

namespace Micrograd.Expressions.Generators.Tests;

/// <summary>The pipeline's steps are cached: an edit regenerates only the methods it changed.</summary>
[TestFixture]
public class IncrementalTests
{
    private const string Model = """
        using Micrograd.Expressions;
        static partial class Model
        {
            [Formula("x**2")]
            public static partial double A(double x);

            [Formula("sin(x)*y")]
            public static partial double B(double x, double y);
        }
        """;

    [Test]
    public void Rerun_UnrelatedEdit_EveryStepCached()
    {
        var compilation = Harness.Compilation(Model);
        var driver = Harness.Driver().RunGenerators(compilation);
        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("static class Other { static int Z => 1; }", Harness.Parse()));
        var result = driver.RunGenerators(edited).GetRunResult().Results[0];
        var reasons = Reasons(result, FormulaGenerator.GeneratedStep);
        Assert.That(reasons, Is.All.EqualTo(IncrementalStepRunReason.Cached).Or.EqualTo(IncrementalStepRunReason.Unchanged), string.Join(", ", reasons));
    }

    [Test]
    public void Rerun_OneAttributeEditedAboveAnother_OnlyThatMethodGeneratedAgain()
    {
        var compilation = Harness.Compilation(Model);
        var driver = Harness.Driver().RunGenerators(compilation);
        var tree = compilation.SyntaxTrees.Single();
        var edited = compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(Model.Replace("x**2", "x**2 + 1", StringComparison.Ordinal), Harness.Parse()));
        var result = driver.RunGenerators(edited).GetRunResult().Results[0];
        var reasons = Reasons(result, FormulaGenerator.GeneratedStep);
        Assert.That(reasons.Count(r => r == IncrementalStepRunReason.Modified), Is.EqualTo(1), string.Join(", ", reasons));
        Assert.That(reasons.Count(r => r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged), Is.EqualTo(1), string.Join(", ", reasons));
    }

    private static List<IncrementalStepRunReason> Reasons(GeneratorRunResult result, string step) =>
        [.. result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason)];
}
