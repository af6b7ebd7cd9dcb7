using System.Collections.Immutable;

namespace Micrograd.Expressions.Syntax;

/// <summary>
/// Replaces every let-bound name by its value, for targets that have no bindings (C#, LaTeX, Dynamic LINQ).
/// The result can be larger than the input when a binding is used many times.
/// </summary>
internal static class Inliner
{
    public static Expr Inline(Expr expr) => Substitute(expr, ImmutableDictionary<string, Expr>.Empty);

    public static Expr Substitute(Expr expr, ImmutableDictionary<string, Expr> values) =>
        Substitute(expr, values, new Dictionary<Expr, Expr>(ReferenceEqualityComparer.Instance));

    // memo: results for this map of values by node identity, so a subtree shared by reference is inlined once
    // and the result stays a graph of the input's size (printing it may still be long: see Budget.TextLength)
    private static Expr Substitute(Expr expr, ImmutableDictionary<string, Expr> values, Dictionary<Expr, Expr> memo)
    {
        if (memo.TryGetValue(expr, out var done))
        {
            return done;
        }

        Guards.Stack("inline");

        Expr S(Expr e) => Substitute(e, values, memo);
        var result = expr switch
        {
            Variable v => values.TryGetValue(v.Name, out var value) ? value : v,
            Number or Call { Arguments.Length: 0 } => expr,
            Sum s => Exact.Sum(S(s.Terms[0]), s.Terms.Skip(1).Select(S).ToList()),
            Product p => Exact.Product(S(p.Factors[0]), p.Factors.Skip(1).Select(S).ToList()),
            Power p => new Power(S(p.Base), S(p.Exponent)),
            Call c => new Call(c.Function, [.. c.Arguments.Select(S)]),
            Let l => SubstituteLet(l, values),
            _ => throw Guards.UnknownNode(expr),
        };
        memo[expr] = result;
        return result;
    }

    private static Expr SubstituteLet(Let let, ImmutableDictionary<string, Expr> values)
    {
        foreach (var binding in let.Bindings)
        {
            values = values.SetItem(binding.Name, Substitute(binding.Value, values));
        }

        return Substitute(let.Body, values);
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
