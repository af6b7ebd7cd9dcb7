using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions.Algebra;

/// <summary>
/// The order and grouping of the simplifier's canonical form, in one place. The printer writes a tree as it is
/// (so that the text parses back to an equal tree, and evaluates in the order it reads), so the canonical order
/// chosen here is the order users read; <see cref="Build"/>'s smart constructors apply it after their identities.
/// </summary>
internal static class CanonicalOrder
{
    /// <summary>
    /// The terms of a sum, in order of first appearance with the number last, except that a sum does not start
    /// with a negative term when a later one is positive: <c>1 - tanh(x)**2</c>, not <c>-tanh(x)**2 + 1</c>.
    /// </summary>
    public static void PositiveFirst(Span<Expr> terms)
    {
        if (terms.Length == 0 || !IsNegative(terms[0]))
        {
            return;
        }

        for (var positive = 1; positive < terms.Length; positive++)
        {
            if (!IsNegative(terms[positive]))
            {
                var term = terms[positive];
                terms[..positive].CopyTo(terms[1..]);
                terms[0] = term;
                return;
            }
        }
    }

    /// <summary>
    /// The factors of a product other than its coefficient and divisors: constants, names and their powers first,
    /// then compound factors, each group in order of first appearance (<c>2*pi*r</c>, <c>6*x*(x**2 + 1)**2</c>).
    /// </summary>
    /// <param name="numerator">The factors, in order of first appearance.</param>
    /// <param name="ordered">Where they are written in canonical order (as many places).</param>
    public static void Factors(List<Expr> numerator, Span<Expr> ordered)
    {
        var at = 0;
        for (var rank = 0; rank <= LastRank; rank++)
        {
            foreach (var factor in numerator)
            {
                if (Rank(factor) == rank)
                {
                    ordered[at++] = factor;
                }
            }
        }
    }

    /// <summary>
    /// The divisors of a product (each <c>u**-1</c>) and its integer divisor, after the other factors: several as
    /// one, <c>-1/(2*x**2)</c> rather than <c>-1/x**2/2</c>.
    /// </summary>
    public static List<Expr> Divisors(List<Expr> denominator, double divisor)
    {
        if (denominator.Count + (divisor != 1 ? 1 : 0) >= 2)
        {
            var below = denominator.Select(d => ((Power)d).Base).ToList();
            if (divisor != 1)
            {
                below.Insert(0, Build.Num(divisor));
            }

            return [new Power(new Product([.. below]), Build.MinusOne)];
        }

        return divisor != 1 ? [.. denominator, new Power(Build.Num(divisor), Build.MinusOne)] : denominator;
    }

    private static bool IsNegative(Expr? term) =>
        term is Number { Value: < 0 } or Product { Factors: [Number { Value: < 0 }, ..] };

    private const int LastRank = 3;

    private static int Rank(Expr factor) => factor switch
    {
        Call { Arguments.Length: 0 } => 0,
        Variable => 1,
        Power { Base: Variable } => 2,
        _ => LastRank,
    };
}
