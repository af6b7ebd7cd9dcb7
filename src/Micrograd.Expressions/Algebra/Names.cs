using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions.Algebra;

/// <summary>Fresh binding names that clash with no name a tree uses or binds.</summary>
internal sealed class Names
{
    private readonly HashSet<string> taken = new(StringComparer.Ordinal);

    // per stem, the number to try first: numbers below it are taken, so n fresh names cost n probes, not n²
    private readonly Dictionary<string, int> next = new(StringComparer.Ordinal);

    public Names(Expr tree)
    {
        foreach (var node in Nodes.Walk(tree))
        {
            switch (node)
            {
                case Variable v:
                    taken.Add(v.Name);
                    break;
                case Let l:
                    taken.UnionWith(l.Bindings.Select(b => b.Name));
                    break;
                case Call c:
                    taken.Add(c.Function.Name);
                    break;
            }
        }
    }

    /// <summary>A name such as <c>d_e</c> or <c>u1</c>: the stem if free, else the stem with the smallest free number.</summary>
    public string Fresh(string stem, bool numbered = false)
    {
        if (!numbered && !taken.Contains(stem) && !Function.TryLookup(stem, out _))
        {
            taken.Add(stem);
            return stem;
        }

        for (var i = next.GetValueOrDefault(stem, 1); ; i++)
        {
            var name = $"{stem}{i}";
            if (!taken.Contains(name) && !Function.TryLookup(name, out _))
            {
                taken.Add(name);
                next[stem] = i + 1;
                return name;
            }
        }
    }
}
