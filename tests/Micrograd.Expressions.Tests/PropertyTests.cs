using FsCheck;
using FsCheck.Fluent;
using Micrograd.Expressions.Calculus;
using Micrograd.Expressions.Syntax;
using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

/// <summary>A random formula in x and y and a random point, for property tests.</summary>
/// <param name="Tree">The formula.</param>
/// <param name="X">The point's x.</param>
/// <param name="Y">The point's y.</param>
public sealed record FormulaCase(Expr Tree, double X, double Y)
{
    public override string ToString() => $"{Formula.FromTree(Tree, ["x", "y"])} at x={NumberText.Format(X)}, y={NumberText.Format(Y)}";
}

/// <summary>FsCheck generators and shrinkers for formulas: a failure shrinks to a small formula.</summary>
public static class FormulaArbitraries
{
    private static readonly Function[] Unary = [.. Function.Table.Where(f => f.Arity == 1)];
    private static readonly Function[] Binary = [.. Function.Table.Where(f => f.Arity == 2)];

    public static Arbitrary<FormulaCase> Cases() =>
        Arb.From(
            from tree in Gen.Sized(size => Tree(Math.Min(size / 15, 5)))
            from x in Gen.Choose(-2000, 2000)
            from y in Gen.Choose(-2000, 2000)
            select new FormulaCase(tree, x / 1000.0, y / 1000.0),
            Shrink);

    private static Gen<Expr> Leaf() => Gen.OneOf(
        Gen.Elements<Expr>(new Variable("x"), new Variable("y"), new Variable("x")),
        Gen.Choose(1, 9).Select(n => (Expr)new Number(n)),
        Gen.Choose(1, 99).Select(n => (Expr)new Number(n / 10.0)));

    private static Gen<Expr> Tree(int depth)
    {
        if (depth <= 0)
        {
            return Leaf();
        }

        var sub = Tree(depth - 1);
        return Gen.Frequency(
            (2, Leaf()),
            (2, Gen.Zip(sub, sub, (a, b) => Exact.Sum(a, [b]))),
            (1, Gen.Zip(sub, sub, (a, b) => Exact.Sum(a, [Exact.Negate(b)]))),
            (2, Gen.Zip(sub, sub, (a, b) => Exact.Product(a, [b]))),
            (1, Gen.Zip(sub, sub, (a, b) => Exact.Product(a, [Exact.Reciprocal(b)]))),
            (1, Gen.Zip(sub, Gen.Choose(-3, 4), (a, n) => (Expr)new Power(a, new Number(n)))),
            (1, Gen.Zip(sub, sub, (a, b) => (Expr)new Power(a, b))),
            (3, Gen.Zip(Gen.Elements(Unary), sub, (f, a) => (Expr)new Call(f, [a]))),
            (1, Gen.Zip(Gen.Elements(Binary), Gen.Zip(sub, sub), (f, ab) => (Expr)new Call(f, [ab.Item1, ab.Item2]))));
    }

    // a failing case shrinks to its subtrees, to simpler leaves, and to rounder points
    private static IEnumerable<FormulaCase> Shrink(FormulaCase c)
    {
        foreach (var child in Nodes.Children(c.Tree))
        {
            yield return c with { Tree = child };
        }

        if (c.Tree is not (Variable or Number))
        {
            yield return c with { Tree = new Variable("x") };
        }

        if (Math.Round(c.X, 1) != c.X)
        {
            yield return c with { X = Math.Round(c.X, 1) };
        }
    }
}

[TestFixture]
public class PropertyTests
{
    private static int compared;
    private static int tried;

    // Fixed seeds keep CI repeatable; remove Replay to explore new cases locally.
#pragma warning disable NUnit1027 // FsCheck supplies the arguments of [Property] methods
    [FsCheck.NUnit.Property(Arbitrary = [typeof(FormulaArbitraries)], MaxTest = 1500, QuietOnSuccess = true, Replay = "(11140851039014958035,11272983411355493549)")]
    public Property Derivative_RandomFormula_MatchesRichardson(FormulaCase c)
    {
        Interlocked.Increment(ref tried);
        var formula = Formula.FromTree(c.Tree, ["x", "y"]);
        double[] at = [c.X, c.Y];
        if (!Numeric.TryRichardson(formula.Compile(), at, 0, out var numeric)
            || !Interpreter.WellScaled(c.Tree, new Dictionary<string, double> { ["x"] = c.X, ["y"] = c.Y }))
        {
            return true.Classify(true, "not smooth, not finite or too badly scaled here");
        }

        var derivative = formula.Derivative("x");
        var symbolic = derivative.Evaluate(at);
        Interlocked.Increment(ref compared);
        return (double.IsNaN(symbolic) || Numeric.Agree(symbolic, numeric))
            .Label($"d/dx {formula} = {derivative} at x={c.X}, y={c.Y}: symbolic {symbolic:R}, numeric {numeric.Value:R} ± {numeric.Error:E2}");
    }

    [FsCheck.NUnit.Property(Arbitrary = [typeof(FormulaArbitraries)], MaxTest = 500, QuietOnSuccess = true, Replay = "(8469154201949555442,5562682861852526143)")]
    public Property Check_RandomFormula_AgreesWhereNumericIsReliable(FormulaCase c)
    {
        var formula = Formula.FromTree(c.Tree, ["x", "y"]);
        var at = new Dictionary<string, double> { ["x"] = c.X, ["y"] = c.Y };
        var check = DerivativeChecker.Check(formula, at, DifferenceMethod.Richardson);
        return (!Interpreter.WellScaled(c.Tree, at) || check.Rows.All(r => r.Ok || !r.Numeric.IsReliable || r.Numeric.Error > 1e-7 * Math.Max(1, Math.Abs(r.Numeric.Value)) || double.IsNaN(r.Symbolic)))
            .Label(string.Join("; ", check.Rows.Select(r => $"{r.Variable}: {r.Derivative} = {r.Symbolic:R} vs {r.Numeric.Value:R} ± {r.Numeric.Error:E2} {r.Verdict}")));
    }
#pragma warning restore NUnit1027

    // only when the derivative property ran in full (not when another test of the fixture runs alone)
    [OneTimeTearDown]
    public void EnoughCasesWereCompared()
    {
        if (tried >= 1500)
        {
            Assert.That(compared, Is.GreaterThan(500), "the generator produced too few smooth cases for the property to mean anything");
        }
    }
}
