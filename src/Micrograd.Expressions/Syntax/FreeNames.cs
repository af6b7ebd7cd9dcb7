using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace Micrograd.Expressions.Syntax;

/// <summary>The names a tree uses without binding them, in order of first appearance.</summary>
internal static class FreeNames
{
    public static IReadOnlyList<string> Of(Expr expr)
    {
        var found = new List<string>();
        Collect(expr, ImmutableHashSet<string>.Empty, found, new HashSet<string>(StringComparer.Ordinal));
        return found;
    }

    private static void Collect(Expr e, ImmutableHashSet<string> bound, List<string> found, HashSet<string> seen)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new InsufficientExecutionStackException("the formula nests too deeply on this thread");
        }

        switch (e)
        {
            case Variable v when !bound.Contains(v.Name) && seen.Add(v.Name):
                found.Add(v.Name);
                break;
            case Sum s:
                s.Terms.ToList().ForEach(t => Collect(t, bound, found, seen));
                break;
            case Product p:
                p.Factors.ToList().ForEach(f => Collect(f, bound, found, seen));
                break;
            case Negate n:
                Collect(n.Operand, bound, found, seen);
                break;
            case Power p:
                Collect(p.Base, bound, found, seen);
                Collect(p.Exponent, bound, found, seen);
                break;
            case Call c:
                c.Arguments.ToList().ForEach(a => Collect(a, bound, found, seen));
                break;
            case Let l:
                foreach (var b in l.Bindings)
                {
                    Collect(b.Value, bound, found, seen);
                    bound = bound.Add(b.Name);
                }

                Collect(l.Body, bound, found, seen);
                break;
        }
    }
}
