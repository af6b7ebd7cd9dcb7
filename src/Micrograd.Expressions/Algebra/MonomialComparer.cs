using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions.Algebra;

/// <summary>
/// Equality of monomials up to the order of their factors, so <c>c*d</c> and <c>d*c</c> are like terms.
/// </summary>
internal sealed class MonomialComparer : IEqualityComparer<Expr>
{
    public static readonly MonomialComparer Instance = new();

    public bool Equals(Expr? x, Expr? y)
    {
        if (x is Product a && y is Product b)
        {
            if (a.Factors.Length != b.Factors.Length)
            {
                return false;
            }

            var unmatched = b.Factors.ToList();
            foreach (var factor in a.Factors)
            {
                var at = unmatched.FindIndex(f => StructuralComparer.Instance.Equals(f, factor));
                if (at < 0)
                {
                    return false;
                }

                unmatched.RemoveAt(at);
            }

            return true;
        }

        return StructuralComparer.Instance.Equals(x, y);
    }

    public int GetHashCode(Expr obj) => obj is Product p
        ? p.Factors.Aggregate(17, (acc, f) => unchecked(acc + StructuralComparer.Hash(f)))
        : StructuralComparer.Hash(obj);
}
