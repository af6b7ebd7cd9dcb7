using FsCheck;
using FsCheck.Fluent;
using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions.Tests.Support;

// FsCheck's generator of random formulas, beside RandomTrees (the seeded generator of the corpus tests): this one
// shrinks a failure to a small formula, which only FsCheck's Gen can do
/// <summary>A random formula in x and y and a random point, for property tests.</summary>
/// <param name="Tree">The formula.</param>
/// <param name="X">The point's x.</param>
/// <param name="Y">The point's y.</param>
public sealed record FormulaCase(Expr Tree, double X, double Y)
{
    public override string ToString() => $"{Shown.Formula(Tree)} at x={NumberText.Format(X)}, y={NumberText.Format(Y)}";
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
