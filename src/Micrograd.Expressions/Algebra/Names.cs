using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions.Algebra;

/// <summary>Fresh binding names that clash with no name a tree uses or binds.</summary>
internal sealed class Names
{
    private readonly HashSet<string> taken = new(StringComparer.Ordinal);

    public Names(Expr tree)
    {
        var stack = new Stack<Expr>();
        stack.Push(tree);
        var seen = new HashSet<Expr>(ReferenceEqualityComparer.Instance);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (!seen.Add(node))
            {
                continue;
            }

            switch (node)
            {
                case Variable v:
                    taken.Add(v.Name);
                    break;
                case Sum s:
                    s.Terms.ToList().ForEach(stack.Push);
                    break;
                case Product p:
                    p.Factors.ToList().ForEach(stack.Push);
                    break;
                case Power p:
                    stack.Push(p.Base);
                    stack.Push(p.Exponent);
                    break;
                case Call c:
                    c.Arguments.ToList().ForEach(stack.Push);
                    break;
                case Let l:
                    foreach (var b in l.Bindings)
                    {
                        taken.Add(b.Name);
                        stack.Push(b.Value);
                    }

                    stack.Push(l.Body);
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

        for (var i = 1; ; i++)
        {
            var name = $"{stem}{i}";
            if (!taken.Contains(name) && !Function.TryLookup(name, out _))
            {
                taken.Add(name);
                return name;
            }
        }
    }
}
