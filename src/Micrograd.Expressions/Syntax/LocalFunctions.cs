using System.Collections.Immutable;

namespace Micrograd.Expressions.Syntax;

/// <summary>
/// Writes each call of an F#-style local function as its body, with the arguments bound by <c>let</c>
/// (an argument that is a name or a number is used in place). The result has no <see cref="Lambda"/>: it is
/// what every operation but printing in the formula language works on.
/// </summary>
/// <remarks>
/// A body sees the names bound where the function is defined, not where it is called. To keep that true
/// after inlining, every binding of the result has a name of its own: a name bound a second time, or equal to
/// a parameter of the formula, is renamed (<c>k</c> becomes <c>k1</c>), and the bindings of a call's arguments
/// are named after the function and its parameter (<c>hyp_x</c>).
/// </remarks>
internal static class LocalFunctions
{
    /// <summary>True when the tree defines a local function.</summary>
    public static bool Has(Expr tree) => Nodes.Walk(tree).Any(n => n is Lambda);

    /// <summary>The tree with every local function call inlined; the same tree when it defines none.</summary>
    /// <param name="tree">A resolved tree.</param>
    /// <param name="parameters">The formula's parameters, which no binding of the result may take.</param>
    /// <param name="maxNodes">The most nodes the result may have.</param>
    /// <exception cref="FormulaException">Kind <see cref="FormulaErrorKind.Limit"/>: the result would have more than <paramref name="maxNodes"/> nodes.</exception>
    public static Expr Expand(Expr tree, IReadOnlyList<string> parameters, long maxNodes)
    {
        if (!Has(tree))
        {
            return tree;
        }

        var expander = new Expander(tree, parameters, maxNodes);
        return expander.Expand(tree, Environment.Empty);
    }

    // what names mean at a point: values (the name or number to use) and local functions (with where they were defined)
    private sealed record Environment(ImmutableDictionary<string, Expr> Values, ImmutableDictionary<string, (Lambda Function, Environment Scope)> Functions)
    {
        public static readonly Environment Empty = new(
            ImmutableDictionary<string, Expr>.Empty.WithComparers(StringComparer.Ordinal),
            ImmutableDictionary<string, (Lambda, Environment)>.Empty.WithComparers(StringComparer.Ordinal));
    }

    private sealed class Expander(Expr tree, IReadOnlyList<string> parameters, long maxNodes)
    {
        // names no new binding may take: the formula's parameters, every name written in it, every binding made
        private readonly Names names = new Names(parameters).Avoid(tree);
        private long nodes;

        public Expr Expand(Expr e, Environment env)
        {
            Guards.Stack("expand its local functions");

            if (++nodes > maxNodes)
            {
                throw new FormulaException(FormulaErrorKind.Limit,
                    $"written out, the calls of the local functions give more than {maxNodes} nodes (FormulaOptions.MaxResultNodes)");
            }

            return e switch
            {
                Variable v => env.Values.TryGetValue(v.Name, out var value) ? value : v,
                Number => e,
                Sum s => new Sum([.. s.Terms.Select(t => Expand(t, env))]),
                Product p => new Product([.. p.Factors.Select(f => Expand(f, env))]),
                Power p => new Power(Expand(p.Base, env), Expand(p.Exponent, env)),
                Call { Function.IsLocal: true } c => Inline(c, env),
                Call c => c.Arguments.Length == 0 ? c : new Call(c.Function, [.. c.Arguments.Select(a => Expand(a, env))]),
                Let l => ExpandLet(l, env),
                _ => throw Guards.UnknownNode(e),
            };
        }

        private Expr ExpandLet(Let let, Environment env)
        {
            var bindings = ImmutableArray.CreateBuilder<Binding>();
            foreach (var binding in let.Bindings)
            {
                if (binding.Value is Lambda f)
                {
                    env = new Environment(env.Values.Remove(binding.Name), env.Functions.SetItem(binding.Name, (f, env)));
                    continue;
                }

                var value = Expand(binding.Value, env);
                var name = Claim(binding.Name);
                bindings.Add(new Binding(name, value));
                env = new Environment(env.Values.SetItem(binding.Name, new Variable(name)), env.Functions.Remove(binding.Name));
            }

            var body = Expand(let.Body, env);
            return bindings.Count == 0 ? body : new Let(bindings.ToImmutable(), body);
        }

        private Expr Inline(Call call, Environment env)
        {
            var (function, scope) = env.Functions[call.Function.Name];
            var values = scope.Values;
            var bindings = ImmutableArray.CreateBuilder<Binding>();
            for (var i = 0; i < function.Parameters.Length; i++)
            {
                var argument = Expand(call.Arguments[i], env);
                if (argument is Variable or Number or Call { Arguments.Length: 0 })
                {
                    values = values.SetItem(function.Parameters[i], argument);
                    continue;
                }

                var name = Claim($"{call.Function.Name}_{function.Parameters[i]}");
                bindings.Add(new Binding(name, argument));
                values = values.SetItem(function.Parameters[i], new Variable(name));
            }

            // the parameters shadow the functions of the same name where the body was read
            var functions = scope.Functions.RemoveRange(function.Parameters);
            var body = Expand(function.Body, new Environment(values, functions));
            return bindings.Count == 0 ? body : new Let(bindings.ToImmutable(), body);
        }

        // a binding name no other binding of the result and no parameter has: the name itself when free
        private string Claim(string name) => names.Claim(name);
    }
}
