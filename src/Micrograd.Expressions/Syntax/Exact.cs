using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace Micrograd.Expressions.Syntax;

/// <summary>
/// Constructors that keep the tree invariants (see <see cref="Expr"/>) using only rewrites that are exact in
/// IEEE arithmetic, so a parsed formula computes the very same bits as Python would. Algebraic
/// simplification, which may round differently, lives in <see cref="Algebra.Build"/>.
/// </summary>
internal static class Exact
{
    public static readonly Number MinusOne = new(-1);

    // -c is a number; -(c*u) = (-c)*u and -(u*v) = (-1)*u*v, since negation commutes with rounding; -(1*u) drops the 1.
    // -(-1/u) is 1/u, not u**-1: a u**-1 factor after a product's first is a division, so pi*-(-1/u) would be pi/u
    public static Expr Negate(Expr operand) => operand switch
    {
        Number n => new Number(-n.Value),
        Product { Factors: [Number { Value: -1 }, Power { Exponent: Number { Value: -1 } } reciprocal] } => new Product([new Number(1), reciprocal]),
        Product { Factors: [Number { Value: -1 }, var only] } => only,
        Product { Factors: [Number { Value: -1 }, var first, ..] } p when first is not Number => new Product(p.Factors.RemoveAt(0)),
        Product { Factors: [Number c, ..] } p => new Product(p.Factors.SetItem(0, new Number(-c.Value))),
        Product p => new Product(p.Factors.Insert(0, MinusOne)),
        _ => new Product([MinusOne, operand]),
    };

    public static Expr ApplySigns(string signs, Expr operand) =>
        signs.Length > 0 && signs.AsSpan().Count('-') % 2 == 1 ? Negate(operand) : operand;

    // a ** s0 b ** s1 c = a ** (s0 (b ** (s1 c)))
    public static Expr FoldPower(Expr head, List<(string Signs, Expr Atom)> tail)
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

    /// <summary><c>head ** signs atom</c>: <see cref="FoldPower(Expr, List{ValueTuple{string, Expr}})"/> of one operator.</summary>
    public static Expr FoldPower(Expr head, string signs, Expr atom) => new Power(head, ApplySigns(signs, atom));

    public static Expr Reciprocal(Expr divisor) => new Power(divisor, MinusOne);

    // the first factor is never a product: ((a*b)*c) is a*b*c, evaluated left to right either way
    public static Expr Product(Expr head, IEnumerable<Expr> tail) => Product(head, Span(tail));

    /// <summary>As <see cref="Product(Expr, IEnumerable{Expr})"/>, from the factors after the first as they lie.</summary>
    public static Expr Product(Expr head, ReadOnlySpan<Expr> tail) =>
        Flatten(head, tail, static e => e is Product p ? p.Factors : default, static items => new Product(items));

    // the first term is never a sum: ((a+b)+c) is a+b+c, evaluated left to right either way
    public static Expr Sum(Expr head, IEnumerable<Expr> tail) => Sum(head, Span(tail));

    /// <summary>As <see cref="Sum(Expr, IEnumerable{Expr})"/>, from the terms after the first as they lie.</summary>
    public static Expr Sum(Expr head, ReadOnlySpan<Expr> tail) =>
        Flatten(head, tail, static e => e is Sum s ? s.Terms : default, static items => new Sum(items));

    private static ReadOnlySpan<Expr> Span(IEnumerable<Expr> items) => items is List<Expr> list ? CollectionsMarshal.AsSpan(list) : items.ToArray();

    private static Expr Flatten(Expr head, ReadOnlySpan<Expr> rest, Func<Expr, ImmutableArray<Expr>> itemsOf, Func<ImmutableArray<Expr>, Expr> create)
    {
        if (rest.Length == 0)
        {
            return head;
        }

        // one array of the final length, handed to the node as is
        var headItems = itemsOf(head);
        var headCount = headItems.IsDefault ? 1 : headItems.Length;
        var items = new Expr[headCount + rest.Length];
        if (headItems.IsDefault)
        {
            items[0] = head;
        }
        else
        {
            headItems.CopyTo(items);
        }

        rest.CopyTo(items.AsSpan(headCount));
        return create(ImmutableCollectionsMarshal.AsImmutableArray(items));
    }

    // let a = .. in (let b = .. in body) is one block of bindings
    public static Expr Let(ImmutableArray<Binding> bindings, Expr body) => (bindings, body) switch
    {
        ({ Length: 0 }, _) => body,
        (_, Let inner) => new Let(bindings.AddRange(inner.Bindings), inner.Body),
        _ => new Let(bindings, body),
    };
}
