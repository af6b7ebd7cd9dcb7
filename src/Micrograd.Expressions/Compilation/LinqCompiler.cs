using System.Collections.Immutable;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Micrograd.Expressions.Syntax;
using L = System.Linq.Expressions.Expression;

namespace Micrograd.Expressions.Compilation;

/// <summary>
/// Lowers a formula tree to a System.Linq.Expressions lambda that computes exactly what the tree says, in
/// IEEE order: sums and products left to right, <c>a/b</c> as a division, each let-bound value once (a block
/// local). Small integer powers become multiplications; subtrees over constants are folded at compile time
/// with the same operations the compiled code would run.
/// </summary>
internal static class LinqCompiler
{
    /// <summary>The largest |n| for which <c>u**n</c> is compiled as repeated multiplication.</summary>
    public const int MaxUnrolledPower = 4;

    /// <summary>A lambda <c>double[] args => ...</c> reading the parameters in order.</summary>
    public static Expression<Func<double[], double>> ToArrayLambda(Expr tree, IReadOnlyList<string> parameters)
    {
        var args = L.Parameter(typeof(double[]), "args");
        var locals = parameters.Select(p => L.Variable(typeof(double), p)).ToList();
        var scope = ImmutableDictionary.CreateRange(StringComparer.Ordinal,
            locals.Select(l => KeyValuePair.Create(l.Name!, l)));
        var statements = locals
            .Select((local, i) => (L)L.Assign(local, L.ArrayIndex(args, L.Constant(i))))
            .Append(Lower(tree, scope));
        return L.Lambda<Func<double[], double>>(L.Block(locals, statements), "formula", [args]);
    }

    /// <summary>A lambda with one <c>double</c> parameter per formula parameter, of the given delegate type.</summary>
    public static LambdaExpression ToLambda(Type delegateType, Expr tree, IReadOnlyList<string> parameters)
    {
        var ps = parameters.Select(p => L.Parameter(typeof(double), p)).ToList();
        var scope = ImmutableDictionary.CreateRange(StringComparer.Ordinal, ps.Select(p => KeyValuePair.Create(p.Name!, p)));
        return L.Lambda(delegateType, Lower(tree, scope), "formula", ps);
    }

    private static L Lower(Expr e, ImmutableDictionary<string, ParameterExpression> scope)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new InsufficientExecutionStackException("the formula nests too deeply to compile on this thread");
        }

        return e switch
        {
            Number n => L.Constant(n.Value),
            Variable v => scope.TryGetValue(v.Name, out var p) ? p
                : throw new FormulaException(FormulaErrorKind.Name, $"unknown name `{v.Name}`"),
            Sum s => LowerSum(s, scope),
            Product p => LowerProduct(p, scope),
            Power p => LowerPower(Lower(p.Base, scope), p.Exponent, scope),
            Call { Function: { IsConstant: true } f } => L.Constant(f.ConstantValue),
            Call c => LowerCall(c, scope),
            Let l => LowerLet(l, scope),
            _ => throw new InvalidOperationException($"unknown node {e.GetType().Name}"),
        };
    }

    // ((t0 + t1) + t2) ...; a negated term is a subtraction (a + -b == a - b in IEEE)
    private static L LowerSum(Sum s, ImmutableDictionary<string, ParameterExpression> scope)
    {
        var acc = Lower(s.Terms[0], scope);
        foreach (var term in s.Terms.Skip(1))
        {
            acc = term is Product { Factors: [Number { Value: -1 }, _, ..] } negated
                ? Fold(L.Subtract(acc, LowerProduct(negated, scope, skipSign: true)), v => v[0] - v[1])
                : Fold(L.Add(acc, Lower(term, scope)), v => v[0] + v[1]);
        }

        return acc;
    }

    // ((f0 * f1) / f2) ...; a factor u**-1 after the first is a division, as the parser wrote it;
    // a leading -1 is a negation ((-1)*u == -u exactly)
    private static L LowerProduct(Product p, ImmutableDictionary<string, ParameterExpression> scope, bool skipSign = false)
    {
        var negate = p.Factors[0] is Number { Value: -1 };
        var start = negate ? 1 : 0;
        var acc = Lower(p.Factors[start], scope);
        if (negate && !skipSign)
        {
            acc = Fold(L.Negate(acc), v => -v[0]);
        }

        foreach (var factor in p.Factors.Skip(start + 1))
        {
            acc = factor is Power { Exponent: Number { Value: -1 } } reciprocal
                ? Fold(L.Divide(acc, Lower(reciprocal.Base, scope)), v => v[0] / v[1])
                : Fold(L.Multiply(acc, Lower(factor, scope)), v => v[0] * v[1]);
        }

        return acc;
    }

    private static L LowerPower(L b, Expr exponent, ImmutableDictionary<string, ParameterExpression> scope)
    {
        if (exponent is Number { Value: var n } && n == Math.Round(n) && Math.Abs(n) <= MaxUnrolledPower)
        {
            return b is ConstantExpression c ? L.Constant(UnrolledPower((double)c.Value!, (int)n)) : Unrolled(b, (int)n);
        }

        return Fold(L.Call(typeof(Math).GetMethod(nameof(Math.Pow))!, b, Lower(exponent, scope)), v => Math.Pow(v[0], v[1]));
    }

    // u**n as multiplications of one evaluation of u: u*u, u*u*u, (u*u)*(u*u), 1/u, 1/(u*u), ...
    private static L Unrolled(L b, int n)
    {
        if (n == 0)
        {
            return L.Constant(1.0);
        }

        var needsTemp = b is not ParameterExpression;
        var t = needsTemp ? L.Variable(typeof(double), "base") : (ParameterExpression)b;
        var magnitude = Math.Abs(n);
        L power = magnitude switch
        {
            1 => t,
            2 => L.Multiply(t, t),
            3 => L.Multiply(L.Multiply(t, t), t),
            _ => L.Multiply(L.Multiply(t, t), L.Multiply(t, t)),
        };
        if (n < 0)
        {
            power = L.Divide(L.Constant(1.0), power);
        }

        return needsTemp ? L.Block([t], L.Assign(t, b), power) : power;
    }

    // the compile-time twin of Unrolled, for a constant base
    private static double UnrolledPower(double b, int n)
    {
        var magnitude = Math.Abs(n) switch
        {
            0 => 1.0,
            1 => b,
            2 => b * b,
            3 => b * b * b,
            _ => (b * b) * (b * b),
        };
        return n < 0 ? 1.0 / magnitude : magnitude;
    }

    private static L LowerCall(Call c, ImmutableDictionary<string, ParameterExpression> scope)
    {
        var args = c.Arguments.Select(a => Lower(a, scope)).ToArray();
        return Fold(L.Call(c.Function.Method!, args), v => c.Function.Invoke(v));
    }

    private static L LowerLet(Let let, ImmutableDictionary<string, ParameterExpression> scope)
    {
        var locals = new List<ParameterExpression>();
        var statements = new List<L>();
        foreach (var binding in let.Bindings)
        {
            var value = Lower(binding.Value, scope);
            var local = L.Variable(typeof(double), binding.Name);
            locals.Add(local);
            statements.Add(L.Assign(local, value));
            scope = scope.SetItem(binding.Name, local);
        }

        statements.Add(Lower(let.Body, scope));
        return L.Block(locals, statements);
    }

    // A node whose operands are all constants becomes the constant the compiled code would compute.
    private static L Fold(L node, Func<double[], double> evaluate)
    {
        var operands = node switch
        {
            BinaryExpression b => [b.Left, b.Right],
            UnaryExpression u => [u.Operand],
            MethodCallExpression m => m.Arguments.ToArray(),
            _ => Array.Empty<L>(),
        };
        return operands.Length > 0 && operands.All(o => o is ConstantExpression)
            ? L.Constant(evaluate([.. operands.Select(o => (double)((ConstantExpression)o).Value!)]))
            : node;
    }
}
