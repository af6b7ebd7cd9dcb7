using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace Micrograd.Expressions.Syntax;

/// <summary>
/// Name resolution after parsing: a name bound by <c>let</c> or declared in the <c>fun</c> header is a
/// variable; an unbound <c>pi</c> or <c>e</c> is the constant; any other free name is a parameter, in order
/// of first appearance (or an error when a header fixes the parameters).
/// </summary>
internal static class Scope
{
    public static (Expr Tree, IReadOnlyList<string> Parameters) Bind(
        string text, IReadOnlyList<string>? header, Expr body, FunctionTable functions, FormulaOptions options)
    {
        var state = new State(text, header, functions, options);
        if (header is not null)
        {
            var duplicate = header.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                throw Parser.At(text, FindName(text, duplicate.Key, 2), FormulaErrorKind.Name,
                    Guards.DeclaredTwice(duplicate.Key, null));
            }
        }

        var bound = header is null ? ImmutableHashSet<string>.Empty : header.ToImmutableHashSet(StringComparer.Ordinal);
        var tree = Resolve(body, bound, state);
        return (tree, header ?? state.Free);
    }

    private sealed class State(string text, IReadOnlyList<string>? header, FunctionTable functions, FormulaOptions options)
    {
        public FunctionTable Functions { get; } = functions;

        public string Text { get; } = text;

        public IReadOnlyList<string>? Header { get; } = header;

        public List<string> Free { get; } = [];

        // the free names so far, for a formula of more than a few (a handful are scanned)
        private HashSet<string>? seen;

        /// <summary>Adds <paramref name="name"/> to <see cref="Free"/> at its first use.</summary>
        public void Use(string name)
        {
            if (seen is null && Free.Count < 8)
            {
                if (!Free.Contains(name))
                {
                    Free.Add(name);
                }

                return;
            }

            seen ??= new HashSet<string>(Free, StringComparer.Ordinal);
            if (seen.Add(name))
            {
                Free.Add(name);
            }
        }

        public long Nodes { get; set; }

        public FormulaOptions Options { get; } = options;
    }

    private static Expr Resolve(Expr expr, ImmutableHashSet<string> bound, State state)
    {
        if (!Guards.HasRoom())
        {
            throw Limits.StackExhausted(state.Text, 1, 1);
        }

        if (++state.Nodes > state.Options.MaxNodes)
        {
            throw Parser.At(state.Text, 0, FormulaErrorKind.Limit,
                $"the formula has more than {state.Options.MaxNodes} nodes (FormulaOptions.MaxNodes)");
        }

        return expr switch
        {
            Variable v when bound.Contains(v.Name) => v,
            Variable v when state.Functions.TryLookup(v.Name, out var constant) && constant.IsConstant => new Call(constant, []),
            Variable v => Parameter(v, state),
            Number => expr,
            // a node whose insides resolve to themselves is kept, not copied
            Sum s => ResolveAll(s.Terms, bound, state) is var terms && terms == s.Terms ? s : new Sum(terms),
            Product p => ResolveAll(p.Factors, bound, state) is var factors && factors == p.Factors ? p : new Product(factors),
            Power p => (Resolve(p.Base, bound, state), Resolve(p.Exponent, bound, state)) is var (b, e) && ReferenceEquals(b, p.Base) && ReferenceEquals(e, p.Exponent)
                ? p : new Power(b, e),
            Call c => ResolveAll(c.Arguments, bound, state) is var args && args == c.Arguments ? c : new Call(c.Function, args),
            Let l => ResolveLet(l, bound, state),
            Lambda f => f with { Body = Resolve(f.Body, bound.Union(f.Parameters), state) },
            _ => throw Guards.UnknownNode(expr),
        };
    }

    // the same array when every item resolves to itself
    private static ImmutableArray<Expr> ResolveAll(ImmutableArray<Expr> items, ImmutableHashSet<string> bound, State state)
    {
        Expr[]? changed = null;
        for (var i = 0; i < items.Length; i++)
        {
            var item = Resolve(items[i], bound, state);
            if (changed is null && !ReferenceEquals(item, items[i]))
            {
                changed = new Expr[items.Length];
                items.CopyTo(0, changed, 0, i);
            }

            if (changed is not null)
            {
                changed[i] = item;
            }
        }

        return changed is null ? items : ImmutableCollectionsMarshal.AsImmutableArray(changed);
    }

    private static Let ResolveLet(Let let, ImmutableHashSet<string> bound, State state)
    {
        var bindings = ImmutableArray.CreateBuilder<Binding>(let.Bindings.Length);
        foreach (var binding in let.Bindings)
        {
            // the value sees the names bound before it, so `let c = c + 1` uses the earlier c
            bindings.Add(binding with { Value = Resolve(binding.Value, bound, state) });
            bound = bound.Add(binding.Name);
        }

        return new Let(bindings.MoveToImmutable(), Resolve(let.Body, bound, state));
    }

    private static Variable Parameter(Variable v, State state)
    {
        if (state.Header is not null)
        {
            throw Parser.At(state.Text, FindName(state.Text, v.Name, 1), FormulaErrorKind.Name,
                $"unknown name `{v.Name}`; the header declares {string.Join(", ", state.Header)}{Spelling.DidYouMean(v.Name, state.Header)}");
        }

        state.Use(v.Name);
        return v;
    }

    // The tree keeps no positions; an error about a name points at its nth occurrence as a whole word.
    private static int FindName(string text, string name, int occurrence)
    {
        var found = 0;
        for (var i = text.IndexOf(name, StringComparison.Ordinal); i >= 0; i = text.IndexOf(name, i + 1, StringComparison.Ordinal))
        {
            var before = i > 0 && (char.IsLetterOrDigit(text[i - 1]) || text[i - 1] == '_');
            var end = i + name.Length;
            var after = end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] == '_');
            if (!before && !after && ++found == occurrence)
            {
                return i;
            }
        }

        return 0;
    }
}
