using System.Collections.Immutable;
using Micrograd.Expressions.Autograd;

namespace Micrograd.Expressions.Playground.Model;

/// <summary>
/// A formula as micrograd's graph of <see cref="Value"/>s (the graph micrograd's <c>draw_dot</c> draws), built
/// from its tree and backpropagated with <see cref="Value.Backward"/>: sums, products, constant powers and the
/// functions a <see cref="Value"/> has (tanh, exp, log, relu, sigmoid).
/// </summary>
public static class ValueGraph
{
    /// <summary>The graph of the formula at the point, after the backward pass, or why it has none.</summary>
    /// <param name="point">The formula and the point.</param>
    /// <param name="output">The output value.</param>
    /// <param name="missing">What the formula uses that a <see cref="Value"/> has not.</param>
    /// <returns>True when the graph was built.</returns>
    public static bool TryBuild(PointView point, out Value? output, out string? missing)
    {
        var inputs = point.Formula.Parameters.Select((p, i) => (p, new Value(point.Values[i], p))).ToImmutableDictionary(t => t.p, t => t.Item2);
        string? lacking = null;
        output = Build(point.Formula.Tree, inputs, ref lacking);
        missing = lacking;
        if (output is null)
        {
            return false;
        }

        output.Backward();
        return true;
    }

    private static Value? Build(Syntax.Expr e, ImmutableDictionary<string, Value> scope, ref string? missing)
    {
        switch (e)
        {
            case Syntax.Number n:
                return new Value(n.Value, Plot.Number(n.Value));
            case Syntax.Variable v:
                return scope[v.Name];
            case Syntax.Sum s:
                return Fold(s.Terms, scope, (a, b) => a + b, ref missing);
            case Syntax.Product p:
                return Fold(p.Factors, scope, (a, b) => a * b, ref missing);
            case Syntax.Power { Exponent: Syntax.Number k } pow:
                return Build(pow.Base, scope, ref missing)?.Pow(k.Value);
            case Syntax.Call { Function.Arity: 0 } constant:
                return new Value(constant.Function.ConstantValue, constant.Function.Name);
            case Syntax.Call { Arguments.Length: 1 } call when Unary(call.Function.Name) is { } apply:
                return Build(call.Arguments[0], scope, ref missing) is { } argument ? apply(argument) : null;
            case Syntax.Let { Bindings: var bindings } let when bindings.All(b => b.Value is not Syntax.Lambda):
                foreach (var binding in bindings)
                {
                    if (Build(binding.Value, scope, ref missing) is not { } bound)
                    {
                        return null;
                    }

                    bound.Label ??= binding.Name;
                    scope = scope.SetItem(binding.Name, bound);
                }

                return Build(let.Body, scope, ref missing);
            default:
                missing ??= e switch
                {
                    Syntax.Power => "a power whose exponent is not a number",
                    Syntax.Call c => $"the function {c.Function.Name}",
                    Syntax.Let => "a local function",
                    _ => e.GetType().Name,
                };
                return null;
        }
    }

    private static Func<Value, Value>? Unary(string name) => name switch
    {
        "tanh" => v => v.Tanh(),
        "exp" => v => v.Exp(),
        "log" => v => v.Log(),
        "relu" => v => v.Relu(),
        "sigmoid" => v => v.Sigmoid(),
        _ => null,
    };

    private static Value? Fold(ImmutableArray<Syntax.Expr> items, ImmutableDictionary<string, Value> scope, Func<Value, Value, Value> combine, ref string? missing)
    {
        Value? total = null;
        foreach (var item in items)
        {
            if (Build(item, scope, ref missing) is not { } value)
            {
                return null;
            }

            total = total is null ? value : combine(total, value);
        }

        return total;
    }
}
