using System.Runtime.CompilerServices;

namespace Micrograd.Expressions.Syntax;

/// <summary>
/// Structural equality with each node's hash computed once and remembered, so grouping like terms stays
/// linear on trees that share deep subtrees (derivatives of long compositions).
/// </summary>
internal sealed class StructuralComparer : IEqualityComparer<Expr>
{
    public static readonly StructuralComparer Instance = new();

    private static readonly ConditionalWeakTable<Expr, StrongBox<int>> Hashes = new();

    public bool Equals(Expr? x, Expr? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && Hash(x) == Hash(y) && x.Equals(y));

    public int GetHashCode(Expr obj) => Hash(obj);

    public static int Hash(Expr e)
    {
        if (Hashes.TryGetValue(e, out var box))
        {
            return box.Value;
        }

        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new InsufficientExecutionStackException("the formula nests too deeply on this thread");
        }

        var hash = e switch
        {
            Number n => HashCode.Combine(1, n.Value == 0 ? 0.0 : n.Value),
            Variable v => HashCode.Combine(2, v.Name),
            Sum s => Combine(3, s.Terms),
            Product p => Combine(4, p.Factors),
            Power p => HashCode.Combine(5, Hash(p.Base), Hash(p.Exponent)),
            Call c => Combine(HashCode.Combine(6, c.Function.Name), c.Arguments),
            Let l => Combine(HashCode.Combine(7, Hash(l.Body)), [.. l.Bindings.Select(b => new Variable(b.Name + "=")).Concat(l.Bindings.Select(b => b.Value))]),
            _ => 0,
        };
        Hashes.AddOrUpdate(e, new StrongBox<int>(hash));
        return hash;
    }

    private static int Combine(int seed, IEnumerable<Expr> items)
    {
        var hash = new HashCode();
        hash.Add(seed);
        foreach (var item in items)
        {
            hash.Add(Hash(item));
        }

        return hash.ToHashCode();
    }
}
