using System.Collections.Immutable;
using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions.Algebra;

/// <summary>
/// Rebuilds a tree bottom-up through the <see cref="Build"/> smart constructors, so every rule they keep
/// applies; bindings are tidied (unused ones dropped, numbers and single-use values inlined when no
/// rebinding could capture a name). Each node is rebuilt once, so it always terminates, in time linear in
/// the tree for fixed operator widths.
/// </summary>
internal static class Simplifier
{
    /// <summary>Simplifies a tree.</summary>
    /// <param name="expr">The tree.</param>
    /// <returns>An equivalent tree in simplified form (equal in exact arithmetic; rounding may differ).</returns>
    public static Expr Simplify(Expr expr) => Substitute(expr, ImmutableDictionary<string, Expr>.Empty);

    /// <summary>
    /// Replaces free names by expressions and simplifies on the way; respects let shadowing, and renames a
    /// binding of <paramref name="expr"/> whose name is free in a replacement (through <see cref="Names"/>), so
    /// no replacement's name is captured: <c>let u1 = w**2 in u1*w</c> with <c>w = u1</c> gives
    /// <c>let u2 = u1**2 in u2*u1</c>.
    /// </summary>
    /// <param name="expr">The tree.</param>
    /// <param name="values">Name to replacement.</param>
    /// <returns>The rebuilt tree.</returns>
    internal static Expr Substitute(Expr expr, ImmutableDictionary<string, Expr> values) =>
        new CaptureAvoiding(expr, values).Run(expr, values);

    // one substitution (the walk is Syntax's Substitution): nodes through the smart constructors, bindings kept
    // and renamed where a replacement mentions their name; the names its replacements mention, and the generator
    // it renames bindings with
    private sealed class CaptureAvoiding : Substitution
    {
        private readonly Expr root;
        private readonly ImmutableDictionary<string, Expr> initial;

        // every free name of every replacement ever in the map (a superset is safe: it renames more, never less);
        // gathered on the first binding met, so substituting into let-free trees costs nothing more
        private HashSet<string>? mentioned;
        private Names? names;

        public CaptureAvoiding(Expr root, ImmutableDictionary<string, Expr> values)
            : base("simplify") => (this.root, initial) = (root, values);

        protected override void Step() => Work.Step();

        protected override Expr Leaf(Expr leaf) => leaf is Number n ? Build.Num(n.Value) : Build.Call(((Call)leaf).Function, []);

        protected override Expr Sum(List<Expr> terms) => Build.Add(terms);

        protected override Expr Product(List<Expr> factors) => Build.Mul(factors);

        protected override Expr Power(Expr @base, Expr exponent) => Build.Pow(@base, exponent);

        protected override Expr Call(Function function, Expr[] arguments) => Build.Call(function, arguments);

        protected override Expr Let(Let let, ImmutableDictionary<string, Expr> values)
        {
            var bindings = ImmutableArray.CreateBuilder<Binding>();
            foreach (var binding in let.Bindings)
            {
                var value = Run(binding.Value, values);
                bindings.Add(new Binding(Rename(binding.Name, ref values), value));
            }

            return Tidy(bindings.ToImmutable(), Run(let.Body, values));
        }

        // the name a binding gets: its own, unless a replacement still in play mentions it (binding it would
        // capture that name), then a fresh one, and its uses after it are renamed through the map
        private string Rename(string name, ref ImmutableDictionary<string, Expr> values)
        {
            values = values.Remove(name);
            if (values.IsEmpty)
            {
                return name;
            }

            mentioned ??= [.. initial.Values.SelectMany(FreeNames.Of)];
            if (!mentioned.Contains(name))
            {
                return name;
            }

            names ??= new Names(root).Avoid(mentioned);
            var fresh = names.Fresh(Names.Stem(name), numbered: true);
            mentioned.Add(fresh);
            values = values.SetItem(name, new Variable(fresh));
            return fresh;
        }
    }

    /// <summary>
    /// Bindings without dead or trivial entries: drops values nobody uses, inlines numbers and values used
    /// once, unless a later binding of the block rebinds a name the value mentions (which would capture it).
    /// </summary>
    internal static Expr Tidy(ImmutableArray<Binding> bindings, Expr body)
    {
        var uses = CountUses(bindings, body);

        // a name is rebound after binding i when its last binding that is used comes after i (linear, one entry
        // a name): inlining binding i's value past that rebinding would capture the name. Binding i itself, and
        // bindings nobody uses (they are dropped), capture nothing.
        var lastBound = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < bindings.Length; i++)
        {
            if (uses[i] > 0)
            {
                lastBound[bindings[i].Name] = i;
            }
        }

        var values = ImmutableDictionary<string, Expr>.Empty;
        var kept = ImmutableArray.CreateBuilder<Binding>();
        for (var i = 0; i < bindings.Length; i++)
        {
            var value = values.IsEmpty ? bindings[i].Value : Substitute(bindings[i].Value, values);
            values = values.Remove(bindings[i].Name);
            if (uses[i] == 0)
            {
                continue;
            }

            var inline = (value is Number || uses[i] == 1 || value is Variable || value is Call { Arguments.Length: 0 })
                && !FreeNames.Of(value).Any(name => lastBound.TryGetValue(name, out var last) && last > i);
            if (inline)
            {
                values = values.SetItem(bindings[i].Name, value);
            }
            else
            {
                kept.Add(new Binding(bindings[i].Name, value));
            }
        }

        var newBody = values.IsEmpty ? body : Substitute(body, values);
        return kept.Count == 0 ? newBody : Exact.Let(kept.ToImmutable(), newBody);
    }

    // uses[i]: free occurrences of binding i's name in the later values and the body, before any rebinding;
    // a binding no one uses does not count its own uses of earlier ones.
    private static int[] CountUses(ImmutableArray<Binding> bindings, Expr body)
    {
        var uses = new int[bindings.Length];

        // where each name is bound, in order, to find the binding a use sees by binary search
        var places = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < bindings.Length; i++)
        {
            if (!places.TryGetValue(bindings[i].Name, out var list))
            {
                places[bindings[i].Name] = list = [];
            }

            list.Add(i);
        }

        Count(body, bindings.Length);
        for (var i = bindings.Length - 1; i >= 0; i--)
        {
            if (uses[i] > 0)
            {
                Count(bindings[i].Value, i);
            }
        }

        return uses;

        void Count(Expr e, int visibleBefore)
        {
            foreach (var (name, times) in Occurrences(e))
            {
                if (places.TryGetValue(name, out var list))
                {
                    // the last binding of the name before visibleBefore
                    var k = list.BinarySearch(visibleBefore);
                    k = (k < 0 ? ~k : k) - 1;
                    if (k >= 0)
                    {
                        uses[list[k]] += times;
                    }
                }
            }
        }
    }

    // free occurrences of each name, counted up to 2 (enough to tell unused, used once and shared);
    // memoised per node so trees that share subtrees are walked once per distinct node
    private static Dictionary<string, int> Occurrences(Expr e) =>
        Occurrences(e, new Dictionary<Expr, Dictionary<string, int>>(ReferenceEqualityComparer.Instance));

    private static Dictionary<string, int> Occurrences(Expr e, Dictionary<Expr, Dictionary<string, int>> memo)
    {
        if (memo.TryGetValue(e, out var known))
        {
            return known;
        }

        Guards.Stack("simplify");

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        void Merge(Dictionary<string, int> other, ImmutableHashSet<string>? shadowed = null)
        {
            foreach (var (name, n) in other)
            {
                if (shadowed is null || !shadowed.Contains(name))
                {
                    counts[name] = Math.Min(2, counts.GetValueOrDefault(name) + n);
                }
            }
        }

        switch (e)
        {
            case Variable v:
                counts[v.Name] = 1;
                break;
            case Let l:
                var bound = ImmutableHashSet<string>.Empty;
                foreach (var b in l.Bindings)
                {
                    Merge(Occurrences(b.Value, memo), bound);
                    bound = bound.Add(b.Name);
                }

                Merge(Occurrences(l.Body, memo), bound);
                break;
            default:
                foreach (var child in Nodes.Children(e))
                {
                    Merge(Occurrences(child, memo));
                }

                break;
        }

        memo[e] = counts;
        return counts;
    }
}
