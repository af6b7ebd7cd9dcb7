using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace Micrograd.Expressions.Syntax;

/// <summary>The names a tree uses without binding them, in order of first appearance.</summary>
internal static class FreeNames
{
    public static IReadOnlyList<string> Of(Expr expr)
    {
        var found = new List<string>();
        var visited = new HashSet<(Expr, ImmutableHashSet<string>)>(new VisitComparer());
        Collect(expr, ImmutableHashSet<string>.Empty, found, new HashSet<string>(StringComparer.Ordinal), visited);
        return found;
    }

    // shared subtrees are walked once per scope
    private sealed class VisitComparer : IEqualityComparer<(Expr Node, ImmutableHashSet<string> Bound)>
    {
        public bool Equals((Expr Node, ImmutableHashSet<string> Bound) x, (Expr Node, ImmutableHashSet<string> Bound) y) =>
            ReferenceEquals(x.Node, y.Node) && ReferenceEquals(x.Bound, y.Bound);

        public int GetHashCode((Expr Node, ImmutableHashSet<string> Bound) obj) =>
            HashCode.Combine(RuntimeHelpers.GetHashCode(obj.Node), RuntimeHelpers.GetHashCode(obj.Bound));
    }

    private static void Collect(Expr e, ImmutableHashSet<string> bound, List<string> found, HashSet<string> seen, HashSet<(Expr, ImmutableHashSet<string>)> visited)
    {
        if (e is not (Variable or Number) && !visited.Add((e, bound)))
        {
            return;
        }

        Guards.Stack("read");

        switch (e)
        {
            case Variable v when !bound.Contains(v.Name) && seen.Add(v.Name):
                found.Add(v.Name);
                break;
            case Sum s:
                s.Terms.ToList().ForEach(t => Collect(t, bound, found, seen, visited));
                break;
            case Product p:
                p.Factors.ToList().ForEach(f => Collect(f, bound, found, seen, visited));
                break;
            case Power p:
                Collect(p.Base, bound, found, seen, visited);
                Collect(p.Exponent, bound, found, seen, visited);
                break;
            case Call c:
                c.Arguments.ToList().ForEach(a => Collect(a, bound, found, seen, visited));
                break;
            case Lambda f:
                Collect(f.Body, bound.Union(f.Parameters), found, seen, visited);
                break;
            case Let l:
                foreach (var b in l.Bindings)
                {
                    Collect(b.Value, bound, found, seen, visited);
                    bound = bound.Add(b.Name);
                }

                Collect(l.Body, bound, found, seen, visited);
                break;
        }
    }
}
