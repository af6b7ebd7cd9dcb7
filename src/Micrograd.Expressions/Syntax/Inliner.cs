using System.Collections.Immutable;

namespace Micrograd.Expressions.Syntax;

/// <summary>
/// The one substitution walk: free names replaced by expressions, every other node rebuilt from its substituted
/// children by the walk's constructors, a <c>let</c> by the walk's own rule, each node once per map of values (a
/// memo by node identity, so a subtree shared by reference is rebuilt once and the result stays a graph of the
/// input's size). <see cref="Inliner"/> rebuilds exactly and writes bindings out; the simplifier's capture-avoiding
/// substitution rebuilds through the smart constructors and keeps bindings.
/// </summary>
internal abstract class Substitution
{
    // what the walk does, for the stack guard's wording
    private readonly string doing;

    protected Substitution(string doing) => this.doing = doing;

    /// <summary><paramref name="expr"/> with <paramref name="values"/> put in for its free names.</summary>
    public Expr Run(Expr expr, ImmutableDictionary<string, Expr> values) =>
        Walk(expr, values, new Dictionary<Expr, Expr>(ReferenceEqualityComparer.Instance));

    /// <summary>A number or a named constant, rebuilt.</summary>
    protected abstract Expr Leaf(Expr leaf);

    /// <summary>A sum of the substituted terms, in order.</summary>
    protected abstract Expr Sum(List<Expr> terms);

    /// <summary>A product of the substituted factors, in order.</summary>
    protected abstract Expr Product(List<Expr> factors);

    /// <summary>A power of the substituted base and exponent.</summary>
    protected abstract Expr Power(Expr @base, Expr exponent);

    /// <summary>A call with the substituted arguments.</summary>
    protected abstract Expr Call(Function function, Expr[] arguments);

    /// <summary>A <c>let</c> under <paramref name="values"/> (its bindings shadow names of the map).</summary>
    protected abstract Expr Let(Let let, ImmutableDictionary<string, Expr> values);

    /// <summary>Called at each node rebuilt (the simplifier counts its work here).</summary>
    protected virtual void Step()
    {
    }

    private Expr Walk(Expr expr, ImmutableDictionary<string, Expr> values, Dictionary<Expr, Expr> memo)
    {
        if (memo.TryGetValue(expr, out var done))
        {
            return done;
        }

        Guards.Stack(doing);

        Step();

        Expr S(Expr e) => Walk(e, values, memo);
        var result = expr switch
        {
            Variable v => values.TryGetValue(v.Name, out var value) ? value : v,
            Number or Call { Arguments.Length: 0 } => Leaf(expr),
            Sum s => Sum(s.Terms.Select(S).ToList()),
            Product p => Product(p.Factors.Select(S).ToList()),
            Power p => Power(S(p.Base), S(p.Exponent)),
            Call c => Call(c.Function, [.. c.Arguments.Select(S)]),
            Let l => Let(l, values),
            _ => throw Guards.UnknownNode(expr),
        };
        memo[expr] = result;
        return result;
    }
}

/// <summary>
/// Replaces every let-bound name by its value, for targets that have no bindings (C#, LaTeX, Dynamic LINQ).
/// The result can be larger than the input when a binding is used many times.
/// </summary>
internal sealed class Inliner : Substitution
{
    private static readonly Inliner Exactly = new();

    private Inliner()
        : base("inline")
    {
    }

    public static Expr Inline(Expr expr) => Substitute(expr, ImmutableDictionary<string, Expr>.Empty);

    /// <summary>The names of <paramref name="values"/> put in, nodes rebuilt exactly, bindings written out.</summary>
    public static Expr Substitute(Expr expr, ImmutableDictionary<string, Expr> values) => Exactly.Run(expr, values);

    protected override Expr Leaf(Expr leaf) => leaf;

    protected override Expr Sum(List<Expr> terms) => Exact.Sum(terms[0], terms.Skip(1));

    protected override Expr Product(List<Expr> factors) => Exact.Product(factors[0], factors.Skip(1));

    protected override Expr Power(Expr @base, Expr exponent) => new Power(@base, exponent);

    protected override Expr Call(Function function, Expr[] arguments) => new Call(function, [.. arguments]);

    protected override Expr Let(Let let, ImmutableDictionary<string, Expr> values)
    {
        foreach (var binding in let.Bindings)
        {
            values = values.SetItem(binding.Name, Run(binding.Value, values));
        }

        return Run(let.Body, values);
    }

    /// <summary>
    /// Writes each call of a formula-defined function (<see cref="Function.Body"/>) out: its body, itself written
    /// out, with the arguments in place of the parameters. For targets that cannot call the host's functions
    /// (SQL, Dynamic LINQ); the result is a graph that shares each argument, of the size of the calls written out.
    /// </summary>
    public static Expr WriteOutDefined(Expr expr)
    {
        var bodies = new Dictionary<Function, Expr>(ReferenceEqualityComparer.Instance);
        var memo = new Dictionary<Expr, Expr>(ReferenceEqualityComparer.Instance);
        Expr Out(Expr e)
        {
            if (memo.TryGetValue(e, out var done))
            {
                return done;
            }

            Guards.Stack("write out");

            var result = e switch
            {
                Call { Function.Body: { } body } c => Substitute(Body(c.Function, body), c.Function.ParameterNames
                    .Select((name, i) => KeyValuePair.Create(name, Out(c.Arguments[i])))
                    .ToImmutableDictionary(StringComparer.Ordinal)),
                Sum s => Exact.Sum(Out(s.Terms[0]), s.Terms.Skip(1).Select(Out).ToList()),
                Product p => Exact.Product(Out(p.Factors[0]), p.Factors.Skip(1).Select(Out).ToList()),
                Power p => new Power(Out(p.Base), Out(p.Exponent)),
                Call c when c.Arguments.Length > 0 => new Call(c.Function, [.. c.Arguments.Select(Out)]),
                Let l => Out(Inline(l)),
                _ => e,
            };
            memo[e] = result;
            return result;
        }

        Expr Body(Function f, Expr body)
        {
            if (!bodies.TryGetValue(f, out var written))
            {
                written = WriteOutDefined(Inline(body));
                bodies[f] = written;
            }

            return written;
        }

        return Out(expr);
    }
}
