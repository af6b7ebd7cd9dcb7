using System.Collections.Immutable;

namespace Micrograd.Expressions.Syntax;

/// <summary>
/// Constructors that keep the tree invariants (see <see cref="Expr"/>) using only rewrites that are exact in
/// IEEE arithmetic, so a parsed formula computes the very same bits as Python would. Algebraic
/// simplification, which may round differently, lives in <c>Algebra.Build</c>.
/// </summary>
internal static class Exact
{
    // -c is a number; --u = u; -(c*u) = (-c)*u (negation commutes with rounding)
    public static Expr Negate(Expr operand) => operand switch
    {
        Number n => new Number(-n.Value),
        Negate inner => inner.Operand,
        Product { Factors: [Number c, ..] } p => new Product(p.Factors.SetItem(0, new Number(-c.Value))),
        _ => new Negate(operand),
    };

    public static Expr ApplySigns(IEnumerable<char> signs, Expr operand) =>
        signs.Count(s => s == '-') % 2 == 1 ? Negate(operand) : operand;

    // a ** s0 b ** s1 c = a ** (s0 (b ** (s1 c)))
    public static Expr FoldPower(Expr head, IReadOnlyList<(IEnumerable<char> Signs, Expr Atom)> tail)
    {
        if (tail.Count == 0)
        {
            return head;
        }

        var exponent = ApplySigns(tail[^1].Signs, tail[^1].Atom);
        for (var k = tail.Count - 2; k >= 0; k--)
        {
            exponent = ApplySigns(tail[k].Signs, new Power(tail[k].Atom, exponent));
        }

        return new Power(head, exponent);
    }

    public static Expr Reciprocal(Expr divisor) => new Power(divisor, new Number(-1));

    // the first factor is never a product: ((a*b)*c) is a*b*c, evaluated left to right either way
    public static Expr Product(Expr head, IEnumerable<Expr> tail)
    {
        var rest = tail as IReadOnlyCollection<Expr> ?? tail.ToList();
        if (rest.Count == 0)
        {
            return head;
        }

        var builder = ImmutableArray.CreateBuilder<Expr>();
        if (head is Product p)
        {
            builder.AddRange(p.Factors);
        }
        else
        {
            builder.Add(head);
        }

        builder.AddRange(rest);
        return new Product(builder.ToImmutable());
    }

    // the first term is never a sum: ((a+b)+c) is a+b+c, evaluated left to right either way
    public static Expr Sum(Expr head, IEnumerable<Expr> tail)
    {
        var rest = tail as IReadOnlyCollection<Expr> ?? tail.ToList();
        if (rest.Count == 0)
        {
            return head;
        }

        var builder = ImmutableArray.CreateBuilder<Expr>();
        if (head is Sum s)
        {
            builder.AddRange(s.Terms);
        }
        else
        {
            builder.Add(head);
        }

        builder.AddRange(rest);
        return new Sum(builder.ToImmutable());
    }

    // let a = .. in (let b = .. in body) is one block of bindings
    public static Expr Let(ImmutableArray<Binding> bindings, Expr body) => (bindings, body) switch
    {
        ({ Length: 0 }, _) => body,
        (_, Let inner) => new Let(bindings.AddRange(inner.Bindings), inner.Body),
        _ => new Let(bindings, body),
    };
}
