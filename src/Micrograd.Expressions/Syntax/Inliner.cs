using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace Micrograd.Expressions.Syntax;

/// <summary>
/// Replaces every let-bound name by its value, for targets that have no bindings (C#, LaTeX, Dynamic LINQ).
/// The result can be larger than the input when a binding is used many times.
/// </summary>
internal static class Inliner
{
    public static Expr Inline(Expr expr) => Substitute(expr, ImmutableDictionary<string, Expr>.Empty);

    public static Expr Substitute(Expr expr, ImmutableDictionary<string, Expr> values)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new InsufficientExecutionStackException("the formula nests too deeply to inline on this thread");
        }

        return expr switch
        {
            Variable v => values.TryGetValue(v.Name, out var value) ? value : v,
            Number or Call { Arguments.Length: 0 } => expr,
            Sum s => Exact.Sum(Substitute(s.Terms[0], values), s.Terms.Skip(1).Select(t => Substitute(t, values)).ToList()),
            Product p => Exact.Product(Substitute(p.Factors[0], values), p.Factors.Skip(1).Select(f => Substitute(f, values)).ToList()),
            Power p => new Power(Substitute(p.Base, values), Substitute(p.Exponent, values)),
            Call c => new Call(c.Function, [.. c.Arguments.Select(a => Substitute(a, values))]),
            Let l => SubstituteLet(l, values),
            _ => throw new InvalidOperationException($"unknown node {expr.GetType().Name}"),
        };
    }

    private static Expr SubstituteLet(Let let, ImmutableDictionary<string, Expr> values)
    {
        foreach (var binding in let.Bindings)
        {
            values = values.SetItem(binding.Name, Substitute(binding.Value, values));
        }

        return Substitute(let.Body, values);
    }
}
