using System.Collections.Immutable;
using Micrograd.Expressions.Algebra;
using Micrograd.Expressions.Syntax;
using static Micrograd.Expressions.Algebra.Build;

namespace Micrograd.Expressions.Calculus;

/// <summary>
/// Symbolic differentiation: one rule per node kind, built through the <see cref="Build"/> smart
/// constructors so results come out simplified. Let-bound values are differentiated once (the chain rule
/// with sharing: each binding <c>n</c> gains a binding for its derivative), and repeated subtrees of the
/// result become bindings, so the derivative of an n-deep composition or an n-factor product has O(n) size.
/// </summary>
internal static class Differentiator
{
    // products with more variable factors than this use prefix/suffix products instead of n copies of n factors
    private const int NaiveProductLimit = 3;

    /// <summary>The derivative of <paramref name="expr"/> with respect to <paramref name="variable"/>.</summary>
    /// <param name="expr">The tree.</param>
    /// <param name="variable">The parameter; a name that does not occur gives 0.</param>
    /// <returns>The simplified derivative; may contain <c>let</c> bindings for shared subexpressions.</returns>
    public static Expr Differentiate(Expr expr, string variable)
    {
        ArgumentNullException.ThrowIfNull(expr);
        ArgumentNullException.ThrowIfNull(variable);
        var context = new Context(variable, new Names(expr));
        var derivative = Simplifier.Simplify(D(expr, context, ImmutableDictionary<string, Expr>.Empty));
        // the derivative binds names of its own and of the partials put in: sharing's names avoid them all
        return Sharing.Share(derivative, context.Names.Avoid(derivative));
    }

    private sealed record Context(string Variable, Names Names);

    // bound: a let-bound name -> the expression of its derivative (a number or the name of its derivative binding)
    private static Expr D(Expr e, Context x, ImmutableDictionary<string, Expr> bound)
    {
        Guards.Stack("differentiate");

        Work.Step();

        return e switch
        {
            Number => Zero,                                                          // c' = 0
            Variable v when bound.TryGetValue(v.Name, out var dv) => dv,             // (let n = u)' = u', shared
            Variable v => v.Name == x.Variable ? One : Zero,                         // x' = 1, y' = 0
            Sum s => Plus(s.Terms.Select(t => D(t, x, bound))),                      // (u + v)' = u' + v'
            Product p => DProduct(p.Factors, x, bound),                              // (u*v)' = u'*v + u*v'
            Power p => DPower(p, x, bound),
            Call { Arguments.Length: 0 } => Zero,                                    // pi' = 0
            Call c => Plus(c.Arguments.Select((a, i) =>                              // f(u, v)' = f_u(u, v)*u' + f_v(u, v)*v'
                Mul(Partial(c.Function, i, c.Arguments), D(a, x, bound)))),
            Let l => DLet(l, x, bound),
            _ => throw Guards.UnknownNode(e),
        };
    }

    // The power rule is the pow row's partials (y*x**(y - 1) and x**y*log(x)), the one source reverse mode and
    // pow(x, y) read too. With both sides varying, u**v = exp(v*log(u)), so (u**v)' = u**v*(v*log(u))', by the
    // product rule and the log row: u**v*(v'*log(u) + v*u'/u), the shorter text.
    private static Expr DPower(Power p, Context x, ImmutableDictionary<string, Expr> bound)
    {
        var (u, v) = (p.Base, p.Exponent);
        var du = D(u, x, bound);
        var dv = D(v, x, bound);
        return (du, dv) switch
        {
            (Number { Value: 0 }, Number { Value: 0 }) => Zero,
            (_, Number { Value: 0 }) => Mul(PowerPartial(0, u, v), du),                          // (u**c)' = c*u**(c-1)*u'
            (Number { Value: 0 }, _) when u is Number { Value: 0 } => Zero,                    // (0**v)' = 0 where it exists (v > 0)
            (Number { Value: 0 }, _) => Mul(PowerPartial(1, u, v), dv),                          // (c**v)' = c**v*log(c)*v'
            _ => Mul(Pow(u, v), Plus([Mul(dv, Call(LogRow, u)), Mul(v, Partial(LogRow, 0, [u]), du)])),
        };
    }

    /// <summary>
    /// The power rule: <c>d(u**v)/du</c> (<paramref name="operand"/> 0) or <c>d(u**v)/dv</c> (1), the <c>pow</c> row's
    /// partials with <paramref name="u"/> and <paramref name="v"/> put in; read by this switch and by reverse mode.
    /// </summary>
    internal static Expr PowerPartial(int operand, Expr u, Expr v) => Partial(PowRow, operand, [u, v]);

    private static readonly Function PowRow = Function.Named("pow");
    private static readonly Function LogRow = Function.Named("log");

    // a sum of derivative terms: a term that is zero (of either sign) contributes nothing, so it is no summand
    // (Add keeps a 0.0 beside other terms, since x + 0.0 is not x when x is -0.0)
    // A zero term changes no sum, so it is left out; where only zeros remain, a -0.0 among them is the answer (the
    // derivative of -0.0*x + 7 is -0.0, as reverse mode computes it: a constant's +0 is no contribution at all)
    private static Expr Plus(IEnumerable<Expr> terms)
    {
        var all = terms.ToList();
        var kept = all.Where(t => t is not Number { Value: 0 }).ToList();
        return kept.Count == 0 && all.Find(t => t is Number { Value: var z } && double.IsNegative(z)) is { } negativeZero
            ? negativeZero
            : Add(kept);
    }

    private static Expr DProduct(ImmutableArray<Expr> factors, Context x, ImmutableDictionary<string, Expr> bound)
    {
        var derivatives = factors.Select(f => D(f, x, bound)).ToArray();
        var varying = Enumerable.Range(0, factors.Length).Where(i => derivatives[i] is not Number { Value: 0 }).ToList();
        if (varying.Count <= NaiveProductLimit)
        {
            // (f1*...*fn)' = sum over i of f1*...*fi'*...*fn
            return Plus(varying.Select(i => Mul(factors.Select((f, j) => j == i ? derivatives[i] : f).ToList())));
        }

        // prefix[i] = f0*...*f(i-1), suffix[i] = fi*...*f(n-1): n bindings each way instead of n^2 factors
        var n = factors.Length;
        var bindings = ImmutableArray.CreateBuilder<Binding>();
        var prefix = new Expr[n + 1];
        var suffix = new Expr[n + 1];
        prefix[0] = One;
        suffix[n] = One;
        for (var i = 1; i < n; i++)
        {
            prefix[i] = Bind(Mul(prefix[i - 1], factors[i - 1]), "p");
        }

        for (var i = n - 1; i > 0; i--)
        {
            suffix[i] = Bind(Mul(factors[i], suffix[i + 1]), "q");
        }

        var body = Plus(varying.Select(i => Mul(prefix[i], derivatives[i], suffix[i + 1])));
        return Exact.Let(bindings.ToImmutable(), body);

        Expr Bind(Expr value, string stem)
        {
            if (value is Number or Variable)
            {
                return value;
            }

            var name = x.Names.Fresh(stem, numbered: true);
            bindings.Add(new Binding(name, value));
            return new Variable(name);
        }
    }

    private static Expr DLet(Let let, Context x, ImmutableDictionary<string, Expr> bound)
    {
        var bindings = ImmutableArray.CreateBuilder<Binding>();
        foreach (var binding in let.Bindings)
        {
            // the derivative binding comes first: both it and the value must see the earlier meaning of the name
            var derivative = D(binding.Value, x, bound);
            if (derivative is Number)
            {
                bound = bound.SetItem(binding.Name, derivative);
            }
            else
            {
                var name = x.Names.Fresh("d_" + binding.Name);
                bindings.Add(new Binding(name, derivative));
                bound = bound.SetItem(binding.Name, new Variable(name));
            }

            bindings.Add(binding);
        }

        return Exact.Let(bindings.ToImmutable(), D(let.Body, x, bound));
    }

    /// <summary>
    /// <c>f_i(args)</c>: the function's <paramref name="i"/>-th partial derivative template with the arguments put
    /// in, simplified; the one place a row's local derivative is read (the symbolic differentiator and reverse mode).
    /// </summary>
    internal static Expr Partial(Function f, int i, ImmutableArray<Expr> args)
    {
        var values = ImmutableDictionary.CreateRange(StringComparer.Ordinal,
            f.ParameterNames.Select((p, k) => KeyValuePair.Create(p, args[k])));
        return Simplifier.Substitute(f.Derivative(i), values);
    }
}
