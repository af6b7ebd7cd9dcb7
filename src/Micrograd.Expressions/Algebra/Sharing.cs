using System.Collections.Immutable;
using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions.Algebra;

/// <summary>
/// Common-subexpression elimination: a subtree that occurs more than once and is large enough becomes a
/// <c>let</c> binding, so a derivative whose tree shares subtrees (the chain rule on long compositions) is
/// written in text proportional to its number of distinct nodes, not to its expanded size.
/// </summary>
internal static class Sharing
{
    // bind a repeated subtree when (uses - 1) * (size - 1) reaches this; small repeats such as exp(x) stay inline
    private const int Threshold = 8;

    public static Expr Share(Expr expr, Names names) => expr switch
    {
        Let l => ShareLet(l, names),
        _ => Hoist(expr, names),
    };

    private static Expr ShareLet(Let let, Names names)
    {
        var bindings = ImmutableArray.CreateBuilder<Binding>();
        foreach (var binding in let.Bindings)
        {
            var (hoisted, value) = Split(binding.Value, names);
            bindings.AddRange(hoisted);
            bindings.Add(new Binding(binding.Name, value));
        }

        var (bodyHoisted, body) = Split(let.Body, names);
        bindings.AddRange(bodyHoisted);
        return Exact.Let(bindings.ToImmutable(), body);
    }

    private static Expr Hoist(Expr expr, Names names)
    {
        var (hoisted, body) = Split(expr, names);
        return Exact.Let([.. hoisted], body);
    }

    private static (List<Binding> Hoisted, Expr Body) Split(Expr expr, Names names)
    {
        var counts = CountParents(expr);
        var hoisted = new List<Binding>();
        var replaced = new Dictionary<Expr, Expr>(StructuralComparer.Instance);
        var sizes = new Dictionary<Expr, int>(StructuralComparer.Instance);

        // post-order over distinct subtrees: children are decided (and replaced) before their parents
        var order = PostOrder(expr);
        foreach (var node in order)
        {
            var rebuilt = Rebuild(node, replaced);
            var size = 1 + Nodes.Children(rebuilt).Sum(c => sizes.GetValueOrDefault(c, 1));
            sizes[rebuilt] = size;
            var uses = counts.GetValueOrDefault(node);
            if (!ReferenceEquals(node, expr) && node is not (Number or Variable or Let) && (uses - 1) * (size - 1) >= Threshold)
            {
                var name = names.Fresh("u", numbered: true);
                hoisted.Add(new Binding(name, rebuilt));
                var variable = new Variable(name);
                replaced[node] = variable;
                sizes[variable] = 1;
            }
            else if (!ReferenceEquals(rebuilt, node))
            {
                replaced[node] = rebuilt;
            }
        }

        return (hoisted, replaced.GetValueOrDefault(expr, expr));
    }

    private static Expr Rebuild(Expr node, Dictionary<Expr, Expr> replaced)
    {
        if (replaced.Count == 0)
        {
            return node;
        }

        Expr R(Expr c) => replaced.GetValueOrDefault(c, c);
        return node switch
        {
            Sum s when s.Terms.Any(replaced.ContainsKey) => new Sum([.. s.Terms.Select(R)]),
            Product p when p.Factors.Any(replaced.ContainsKey) => new Product([.. p.Factors.Select(R)]),
            Power p when replaced.ContainsKey(p.Base) || replaced.ContainsKey(p.Exponent) => new Power(R(p.Base), R(p.Exponent)),
            Call c when c.Arguments.Any(replaced.ContainsKey) => new Call(c.Function, [.. c.Arguments.Select(R)]),
            _ => node,
        };
    }


    // how many distinct parents use each distinct subtree (a Let is opaque: its inside has its own scope)
    private static Dictionary<Expr, int> CountParents(Expr root)
    {
        var counts = new Dictionary<Expr, int>(StructuralComparer.Instance);
        foreach (var node in PostOrder(root))
        {
            foreach (var child in Nodes.Children(node))
            {
                counts[child] = counts.GetValueOrDefault(child) + 1;
            }
        }

        return counts;
    }

    private static List<Expr> PostOrder(Expr root)
    {
        var order = new List<Expr>();
        var seen = new HashSet<Expr>(StructuralComparer.Instance);
        var stack = new Stack<(Expr Node, bool Expanded)>();
        stack.Push((root, false));
        while (stack.Count > 0)
        {
            var (node, expanded) = stack.Pop();
            if (expanded)
            {
                order.Add(node);
                continue;
            }

            if (!seen.Add(node))
            {
                continue;
            }

            stack.Push((node, true));
            foreach (var child in Nodes.Children(node).Reverse())
            {
                stack.Push((child, false));
            }
        }

        return order;
    }
}
