using System.Collections.Immutable;

namespace Micrograd.Expressions.Syntax;

/// <summary>
/// An immutable formula syntax tree. Records compare structurally, so two trees are equal when they
/// have the same shape, names and numbers.
/// </summary>
/// <remarks>
/// Invariants every tree built by the parser or the <c>Algebra.Build</c> smart constructors keeps:
/// a <see cref="Sum"/> or <see cref="Product"/> has at least two items and its first item is not of its own kind.
/// Negation is a product whose first factor is <c>-1</c> (exact in IEEE: <c>(-1)*u == -u</c>), subtraction a sum
/// with a negated term, division a product with a <c>**-1</c> factor; the printer writes them back as
/// <c>-u</c>, <c>a - b</c> and <c>a/b</c>.
/// <para>
/// Equality and hashing are structural and never recurse, so they are safe on trees of any depth on any thread.
/// </para>
/// </remarks>
public abstract record Expr
{
    /// <inheritdoc/>
    public virtual bool Equals(Expr? other) => StructuralComparer.Equal(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => StructuralComparer.Hash(this);
}

/// <summary>A numeric literal (IEEE double).</summary>
/// <param name="Value">The value; never NaN or infinite in trees built by the library.</param>
public sealed record Number(double Value) : Expr
{
    /// <inheritdoc/>
    public bool Equals(Number? other) => StructuralComparer.Equal(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => StructuralComparer.Hash(this);
}

/// <summary>A reference to a parameter or a let-bound name.</summary>
/// <param name="Name">The identifier as written (case-sensitive).</param>
public sealed record Variable(string Name) : Expr
{
    /// <inheritdoc/>
    public bool Equals(Variable? other) => StructuralComparer.Equal(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => StructuralComparer.Hash(this);
}

/// <summary>An n-ary sum, evaluated left to right: <c>((t0 + t1) + t2) + ...</c>.</summary>
/// <param name="Terms">Two or more terms.</param>
public sealed record Sum(ImmutableArray<Expr> Terms) : Expr
{
    /// <inheritdoc/>
    public bool Equals(Sum? other) => StructuralComparer.Equal(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => StructuralComparer.Hash(this);
}

/// <summary>
/// An n-ary product, evaluated left to right. A factor <c>u**-1</c> after the first is evaluated as a
/// division by <c>u</c>, so <c>a/b</c> keeps its IEEE meaning.
/// </summary>
/// <param name="Factors">Two or more factors.</param>
public sealed record Product(ImmutableArray<Expr> Factors) : Expr
{
    /// <inheritdoc/>
    public bool Equals(Product? other) => StructuralComparer.Equal(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => StructuralComparer.Hash(this);
}

/// <summary><c>Base ** Exponent</c> (Python's <c>**</c>, right-associative).</summary>
/// <param name="Base">The base.</param>
/// <param name="Exponent">The exponent.</param>
public sealed record Power(Expr Base, Expr Exponent) : Expr
{
    /// <inheritdoc/>
    public bool Equals(Power? other) => StructuralComparer.Equal(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => StructuralComparer.Hash(this);
}

/// <summary>A call of a built-in function, or a named constant (a function of no arguments).</summary>
/// <param name="Function">The row of the function table.</param>
/// <param name="Arguments">Exactly <see cref="Function.Arity"/> arguments.</param>
public sealed record Call(Function Function, ImmutableArray<Expr> Arguments) : Expr
{
    /// <inheritdoc/>
    public bool Equals(Call? other) => StructuralComparer.Equal(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => StructuralComparer.Hash(this);
}

/// <summary>
/// F#-style bindings: each value is computed once, in order, and may use the names bound before it;
/// a later binding of the same name shadows the earlier one.
/// </summary>
/// <param name="Bindings">One or more bindings.</param>
/// <param name="Body">The result.</param>
public sealed record Let(ImmutableArray<Binding> Bindings, Expr Body) : Expr
{
    /// <inheritdoc/>
    public bool Equals(Let? other) => StructuralComparer.Equal(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => StructuralComparer.Hash(this);
}

/// <summary>
/// An F#-style local function, the value of a binding such as <c>let hyp x y = sqrt(x**2 + y**2)</c>: the body
/// sees its parameters and the names bound before the binding. It appears only as a <see cref="Binding.Value"/>;
/// a call of it is a <see cref="Call"/> whose <see cref="Function.IsLocal"/> is true.
/// </summary>
/// <param name="Parameters">One or more parameter names.</param>
/// <param name="Body">The result.</param>
public sealed record Lambda(ImmutableArray<string> Parameters, Expr Body) : Expr
{
    /// <inheritdoc/>
    public bool Equals(Lambda? other) => StructuralComparer.Equal(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => StructuralComparer.Hash(this);
}

/// <summary>One <c>let Name = Value</c>.</summary>
/// <param name="Name">The bound name.</param>
/// <param name="Value">The bound expression.</param>
public sealed record Binding(string Name, Expr Value)
{
    /// <inheritdoc/>
    public bool Equals(Binding? other) =>
        other is not null && Name == other.Name && StructuralComparer.Equal(Value, other.Value);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, StructuralComparer.Hash(Value));
}

/// <summary>Structural helpers shared by the operations over trees.</summary>
internal static class Nodes
{
    /// <summary>The operands of a node; a <see cref="Let"/> has none here, since its inside has its own scope.</summary>
    public static ImmutableArray<Expr> Children(Expr e) => e switch
    {
        Sum s => s.Terms,
        Product p => p.Factors,
        Power p => [p.Base, p.Exponent],
        Call c => c.Arguments,
        _ => [],
    };

    /// <summary>
    /// Every node of a tree, let-bound values and bodies included, without recursion. With
    /// <paramref name="distinct"/> a subtree shared by reference is visited once; without, once per occurrence
    /// (as the compilers lower it).
    /// </summary>
    public static IEnumerable<Expr> Walk(Expr root, bool distinct = true)
    {
        var seen = distinct ? new HashSet<Expr>(ReferenceEqualityComparer.Instance) : null;
        var stack = new Stack<Expr>(32);
        stack.Push(root);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (seen is not null && !seen.Add(node))
            {
                continue;
            }

            yield return node;
            var inside = Inside(node);
            for (var i = inside.Length - 1; i >= 0; i--)
            {
                stack.Push(inside[i]);
            }
        }
    }

    /// <summary>
    /// The one "is this tree large" question: true when the tree, written out (each occurrence of a shared subtree
    /// counted, as the compilers lower it), has more than <paramref name="count"/> nodes; it walks at most
    /// <paramref name="count"/> + 1 of them. The thresholds are named where they are chosen
    /// (<c>LinqCompiler.MaxMethodNodes</c>, <see cref="FormulaOptions.RerollNodes"/>, <see cref="FormulaOptions.MaxCompiledNodes"/>, ...).
    /// </summary>
    public static bool MoreThan(Expr tree, int count) => Walk(tree, distinct: false).Skip(count).Any();

    /// <summary>The operands of a node, and for a <see cref="Let"/> its bound values and body, in evaluation order.</summary>
    public static ImmutableArray<Expr> Inside(Expr e) => e switch
    {
        Let l => [.. l.Bindings.Select(b => b.Value), l.Body],
        Lambda f => [f.Body],
        _ => Children(e),
    };
}
