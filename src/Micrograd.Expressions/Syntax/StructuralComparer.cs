using System.Runtime.CompilerServices;

namespace Micrograd.Expressions.Syntax;

/// <summary>
/// Structural equality and hashing of trees, without recursion (safe on any thread's stack, whatever the depth),
/// with each node's hash computed once and remembered, so grouping like terms stays linear on trees that share
/// deep subtrees. The records of <see cref="Expr"/> use it for their <c>Equals</c> and <c>GetHashCode</c>.
/// </summary>
internal sealed class StructuralComparer : IEqualityComparer<Expr>
{
    public static readonly StructuralComparer Instance = new();

    private static readonly ConditionalWeakTable<Expr, StrongBox<int>> Hashes = new();

    public bool Equals(Expr? x, Expr? y) => Equal(x, y);

    public int GetHashCode(Expr obj) => Hash(obj);

    /// <summary>True when both trees have the same shape, names, functions and numbers (0.0 equals -0.0, NaN equals NaN).</summary>
    public static bool Equal(Expr? x, Expr? y)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }

        if (x is null || y is null)
        {
            return false;
        }

        // the stack is made only for nodes with insides; comparing leaves allocates nothing
        Stack<(Expr A, Expr B)>? pending = null;
        var (a, b) = (x, y);
        while (true)
        {
            if (!ReferenceEquals(a, b) && !Same(a, b, ref pending))
            {
                return false;
            }

            if (pending is not { Count: > 0 })
            {
                return true;
            }

            (a, b) = pending.Pop();
        }
    }

    // compares one pair of nodes and queues the pairs of their insides
    private static bool Same(Expr a, Expr b, ref Stack<(Expr A, Expr B)>? pending)
    {
        {
            if (a.GetType() != b.GetType() || (Known(a, out var ha) && Known(b, out var hb) && ha != hb))
            {
                return false;
            }

            switch (a, b)
            {
                case (Number m, Number n) when !SameNumber(m.Value, n.Value):
                case (Variable u, Variable v) when u.Name != v.Name:
                case (Call c, Call d) when !c.Function.SameAs(d.Function):
                case (Lambda f, Lambda g) when !f.Parameters.SequenceEqual(g.Parameters):
                    return false;
                case (Lambda f, Lambda g):
                    pending ??= new();
                    pending.Push((f.Body, g.Body));
                    return true;
                case (Let l, Let m):
                    if (l.Bindings.Length != m.Bindings.Length)
                    {
                        return false;
                    }

                    pending ??= new();
                    for (var i = 0; i < l.Bindings.Length; i++)
                    {
                        if (l.Bindings[i].Name != m.Bindings[i].Name)
                        {
                            return false;
                        }

                        pending.Push((l.Bindings[i].Value, m.Bindings[i].Value));
                    }

                    pending.Push((l.Body, m.Body));
                    return true;
            }

            var left = Nodes.Children(a);
            var right = Nodes.Children(b);
            if (left.Length != right.Length)
            {
                return false;
            }

            if (left.Length > 0)
            {
                pending ??= new();
            }

            for (var i = 0; i < left.Length; i++)
            {
                pending!.Push((left[i], right[i]));
            }

            return true;
        }
    }

    /// <summary>
    /// Two numbers are the same value: equal bits, except that every NaN is one value. -0.0 and 0.0 differ
    /// (1/x tells them apart), so a tree with one is never taken for the tree with the other.
    /// </summary>
    internal static bool SameNumber(double a, double b) =>
        (a.Equals(b) && double.IsNegative(a) == double.IsNegative(b)) || (double.IsNaN(a) && double.IsNaN(b));

    private static bool Known(Expr e, out int hash)
    {
        var found = Hashes.TryGetValue(e, out var box);
        hash = found ? box!.Value : 0;
        return found;
    }

    /// <summary>The structural hash, consistent with <see cref="Equal"/>; computed once per node, bottom-up, without recursion.</summary>
    public static int Hash(Expr e)
    {
        if (Known(e, out var known))
        {
            return known;
        }

        // a small tree (the usual term or factor the simplifier compares) is hashed directly: remembering each node's
        // hash costs more than walking a few nodes again
        var budget = SmallTree;
        if (Fits(e, ref budget))
        {
            return Own(e, direct: true);
        }

        var stack = new Stack<(Expr Node, bool Expanded)>();
        stack.Push((e, false));
        while (stack.Count > 0)
        {
            var (node, expanded) = stack.Pop();
            if (Known(node, out _))
            {
                continue;
            }

            var inside = Nodes.Inside(node);
            if (!expanded)
            {
                stack.Push((node, true));
                foreach (var child in inside)
                {
                    stack.Push((child, false));
                }

                continue;
            }

            Hashes.AddOrUpdate(node, new StrongBox<int>(Own(node, direct: false)));
        }

        Known(e, out var hash);
        return hash;
    }

    // the nodes a tree may have to be hashed directly; the recursion of a direct hash is at most this deep
    private const int SmallTree = 16;

    // true when e has at most budget nodes (counting a node shared by reference at each use)
    private static bool Fits(Expr e, ref int budget)
    {
        if (--budget < 0)
        {
            return false;
        }

        foreach (var child in Nodes.Inside(e))
        {
            if (!Fits(child, ref budget))
            {
                return false;
            }
        }

        return true;
    }

    // the hash of one node from the hashes of its insides: remembered ones, or (direct) computed here for a small tree
    private static int Own(Expr e, bool direct)
    {
        int Of(Expr child) => direct ? Own(child, direct: true) : Known(child, out var h) ? h : 0;
        var hash = new HashCode();
        switch (e)
        {
            case Number n:
                hash.Add(1);
                hash.Add(n.Value == 0 ? 0.0 : n.Value);
                break;
            case Variable v:
                hash.Add(2);
                hash.Add(v.Name);
                break;
            case Call c:
                hash.Add(6);
                hash.Add(c.Function.Name);
                break;
            case Lambda f:
                hash.Add(8);
                foreach (var p in f.Parameters)
                {
                    hash.Add(p);
                }

                break;
            case Let l:
                hash.Add(7);
                foreach (var b in l.Bindings)
                {
                    hash.Add(b.Name);
                }

                break;
            default:
                hash.Add(e.GetType().Name);
                break;
        }

        foreach (var child in Nodes.Inside(e))
        {
            hash.Add(Of(child));
        }

        return hash.ToHashCode();
    }
}
