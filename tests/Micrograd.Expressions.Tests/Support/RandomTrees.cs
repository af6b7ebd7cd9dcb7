using System.Collections.Immutable;
using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions.Tests.Support;

/// <summary>
/// Random formula trees in the parser's normal form, from a seeded <see cref="Random"/>, so every failure
/// is reproducible from its seed.
/// </summary>
/// <remarks>With <c>signedZeros</c>, a quarter of the leaves are 0.0 or -0.0.</remarks>
internal sealed class RandomTrees(int seed, IReadOnlyList<string>? names = null, bool zeros = true, bool signedZeros = false)
{
    private static readonly Function[] Unary = [.. Function.Table.Where(f => f.Arity == 1)];
    private static readonly Function[] Binary = [.. Function.Table.Where(f => f.Arity == 2)];
    private readonly Random random = new(seed);
    private readonly IReadOnlyList<string> names = names ?? ["x", "y", "a", "b"];

    public Expr Next(int depth = 4)
    {
        if (depth <= 0 || random.NextDouble() < 0.25)
        {
            return Leaf();
        }

        return random.Next(8) switch
        {
            0 => Exact.Sum(Next(depth - 1), Many(depth)),
            1 => Exact.Sum(Next(depth - 1), Many(depth).Select(t => random.Next(2) == 0 ? Exact.Negate(t) : t).ToList()),
            2 => Exact.Product(Next(depth - 1), Many(depth)),
            3 => Exact.Product(Next(depth - 1), Many(depth).Select(f => random.Next(2) == 0 ? Exact.Reciprocal(f) : f).ToList()),
            4 => Exact.Negate(Next(depth - 1)),
            5 => new Power(Next(depth - 1), random.Next(3) == 0 ? new Number(random.Next(-3, 4)) : Next(depth - 1)),
            6 => new Call(Unary[random.Next(Unary.Length)], [Next(depth - 1)]),
            _ => new Call(Binary[random.Next(Binary.Length)], [Next(depth - 1), Next(depth - 1)]),
        };
    }

    private List<Expr> Many(int depth) =>
        [.. Enumerable.Range(0, random.Next(1, 4)).Select(_ => Next(depth - 1))];

    private Expr Leaf() => signedZeros && random.Next(4) == 0 ? new Number(random.Next(2) == 0 ? 0.0 : -0.0) : random.Next(6) switch
    {
        0 => new Number(Math.Round(random.NextDouble() * 10, random.Next(0, 3)) + (zeros ? 0 : 0.5)),
        1 => new Number(random.Next(zeros ? 0 : 1, 10)),
        2 => new Call(Function.Table.First(f => f.Name == "pi"), ImmutableArray<Expr>.Empty),
        _ => new Variable(names[random.Next(names.Count)]),
    };
}

/// <summary>
/// Random trees made hostile for printers: negations wrapped around nodes at any position (nested ones too,
/// kept as written rather than folded) and constants replaced by signed zeros, subnormals, integers past 2^53
/// and, when asked, infinities and NaN.
/// </summary>
internal static class HostileTrees
{
    private static readonly double[] Finite = [0.0, -0.0, double.Epsilon, -2.2250738585072009e-308, 9007199254740994, 1e300, -1.5];
    private static readonly double[] NonFinite = [double.PositiveInfinity, double.NegativeInfinity, double.NaN];

    public static Expr Next(int seed, IReadOnlyList<string> names, bool nonFinite, int depth = 4)
    {
        var random = new Random(seed);
        return Mutate(new RandomTrees(seed, names).Next(depth), random, nonFinite, mayNegate: true);
    }

    // mayNegate is false for a product's first factor: a product there would break the invariant
    private static Expr Mutate(Expr e, Random random, bool nonFinite, bool mayNegate)
    {
        var mutated = e switch
        {
            Number when random.Next(3) == 0 => new Number(random.Next(4) == 0 && nonFinite
                ? NonFinite[random.Next(NonFinite.Length)]
                : Finite[random.Next(Finite.Length)]),
            Sum s => new Sum([.. s.Terms.Select(t => Mutate(t, random, nonFinite, true))]),
            Product p => new Product([.. p.Factors.Select((f, i) => Mutate(f, random, nonFinite, i > 0))]),
            Power p => new Power(Mutate(p.Base, random, nonFinite, true), p.Exponent is Number { Value: -1 } ? p.Exponent : Mutate(p.Exponent, random, nonFinite, true)),
            Call c => new Call(c.Function, [.. c.Arguments.Select(a => Mutate(a, random, nonFinite, true))]),
            _ => e,
        };
        for (var n = random.Next(6); mayNegate && n >= 4; n--)
        {
            mutated = new Product([Exact.MinusOne, mutated]);
        }

        return mutated;
    }
}
