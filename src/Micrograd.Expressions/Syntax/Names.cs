namespace Micrograd.Expressions.Syntax;

/// <summary>
/// The one generator of the names the engine invents (<c>u1</c>, <c>p1</c>, <c>d_x</c>, <c>hyp_x</c>, renamed
/// bindings): every pass that binds a name of its own asks here, so a new name never equals a name in scope
/// (a parameter, a binding, a function, a name inside a defined function's body) and never captures one.
/// </summary>
internal sealed class Names
{
    // every name seen: no invented name may equal one
    private readonly HashSet<string> taken = new(StringComparer.Ordinal);

    // the names bindings have been given through Claim (and the parameters): a second binding of one is renamed
    private readonly HashSet<string> claimed = new(StringComparer.Ordinal);

    // functions already walked into, so a body called many times is read once
    private readonly HashSet<Function> read = [];

    // per stem, the number to try first: numbers below it are taken, so n fresh names cost n probes, not n²
    private readonly Dictionary<string, int> next = new(StringComparer.Ordinal);

    /// <summary>A generator that avoids every name of <paramref name="tree"/>.</summary>
    public Names(Expr tree) => Avoid(tree);

    /// <summary>A generator that avoids <paramref name="parameters"/> and counts them as claimed.</summary>
    public Names(IEnumerable<string> parameters)
    {
        taken.UnionWith(parameters);
        claimed.UnionWith(taken);
    }

    /// <summary>Adds every name <paramref name="tree"/> uses or binds, inside the bodies of the defined functions it calls too.</summary>
    public Names Avoid(Expr tree)
    {
        // the bodies still to read: a worklist, not recursion, since definitions may call each other thousands deep
        var trees = new Stack<Expr>([tree]);
        while (trees.Count > 0)
        {
            foreach (var node in Nodes.Walk(trees.Pop()))
            {
                switch (node)
                {
                    case Variable v:
                        taken.Add(v.Name);
                        break;
                    case Let l:
                        taken.UnionWith(l.Bindings.Select(b => b.Name));
                        break;
                    case Lambda f:
                        taken.UnionWith(f.Parameters);
                        break;
                    case Call c:
                        taken.Add(c.Function.Name);
                        if (c.Function.Body is { } body && read.Add(c.Function))
                        {
                            taken.UnionWith(c.Function.ParameterNames);
                            trees.Push(body);
                        }

                        break;
                }
            }
        }

        return this;
    }

    /// <summary>Adds names no invented name may equal (the free names of what will be put into a tree).</summary>
    public Names Avoid(IEnumerable<string> names)
    {
        taken.UnionWith(names);
        return this;
    }

    /// <summary>A name such as <c>d_e</c> or <c>u1</c>: the stem if free, else the stem with the smallest free number.</summary>
    public string Fresh(string stem, bool numbered = false)
    {
        if (!numbered && IsFree(stem))
        {
            taken.Add(stem);
            return stem;
        }

        for (var i = next.GetValueOrDefault(stem, 1); ; i++)
        {
            var name = $"{stem}{i}";
            if (IsFree(name))
            {
                taken.Add(name);
                next[stem] = i + 1;
                return name;
            }
        }
    }

    /// <summary>
    /// A name for a binding that keeps the user's <paramref name="name"/> the first time it is bound, and
    /// gives each later binding of it a fresh one (<c>k</c>, then <c>k1</c>), so every binding has a name of its own.
    /// </summary>
    public string Claim(string name)
    {
        var claim = claimed.Contains(name) ? Fresh(name, numbered: true) : name;
        claimed.Add(claim);
        taken.Add(claim);
        return claim;
    }

    /// <summary>The name with its trailing digits dropped: the stem a renamed <c>u1</c> or <c>p12</c> takes its new number from.</summary>
    public static string Stem(string name)
    {
        var stem = name.TrimEnd("0123456789".ToCharArray());
        return stem.Length == 0 ? name : stem;
    }

    /// <summary>True when no name seen or given equals <paramref name="name"/>, and it is not a built-in function.</summary>
    public bool IsFree(string name) => !taken.Contains(name) && !claimed.Contains(name) && !Function.TryLookup(name, out _);
}
