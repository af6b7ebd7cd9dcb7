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
