using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions.Tests.Support;

/// <summary>
/// A deliberately plain tree-walking evaluator, independent of the LINQ compiler: an oracle for the compiled
/// code, and a way to tell whether any intermediate value was infinite or NaN.
/// </summary>
internal static class Interpreter
{
    public static double Evaluate(Expr e, IReadOnlyDictionary<string, double> values, out bool allFinite)
    {
        var finite = true;
        var result = Eval(e, values, ref finite, double.PositiveInfinity);
        allFinite = finite;
        return result;
    }

    /// <summary>
    /// True when every intermediate value is finite and below <paramref name="limit"/> in magnitude: past
    /// about 1e12, adding a small change is lost to rounding and no finite difference can see a slope.
    /// </summary>
    public static bool WellScaled(Expr e, IReadOnlyDictionary<string, double> values, double limit = 1e12)
    {
        var ok = true;
        Eval(e, values, ref ok, limit);
        return ok;
    }

    private static double Eval(Expr e, IReadOnlyDictionary<string, double> env, ref bool finite, double limit)
    {
        var value = e switch
        {
            Number n => n.Value,
            Variable v => env[v.Name],
            Sum s => SumOf(s, env, ref finite, limit),
            Product p => ProductOf(p, env, ref finite, limit),
            Power p => PowerOf(p, env, ref finite, limit),
            Call { Function.IsConstant: true } c => c.Function.ConstantValue,
            Call c => CallOf(c, env, ref finite, limit),
            Let l => LetOf(l, env, ref finite, limit),
            _ => throw new InvalidOperationException(),
        };
        finite &= double.IsFinite(value) && Math.Abs(value) < limit;
        return value;
    }

    private static double SumOf(Sum s, IReadOnlyDictionary<string, double> env, ref bool finite, double limit)
    {
        var acc = Eval(s.Terms[0], env, ref finite, limit);
        foreach (var t in s.Terms.Skip(1))
        {
            acc += Eval(t, env, ref finite, limit);
        }

        return acc;
    }

    private static double ProductOf(Product p, IReadOnlyDictionary<string, double> env, ref bool finite, double limit)
    {
        var acc = Eval(p.Factors[0], env, ref finite, limit);
        foreach (var f in p.Factors.Skip(1))
        {
            acc = f is Power { Exponent: Number { Value: -1 } } r ? acc / Eval(r.Base, env, ref finite, limit) : acc * Eval(f, env, ref finite, limit);
        }

        return acc;
    }

    private static double PowerOf(Power p, IReadOnlyDictionary<string, double> env, ref bool finite, double limit)
    {
        var b = Eval(p.Base, env, ref finite, limit);
        var e = Eval(p.Exponent, env, ref finite, limit);
        if (p.Exponent is not Number || e != Math.Round(e) || Math.Abs(e) > 4)
        {
            return Math.Pow(b, e);
        }

        // the language compiles literal integer powers up to 4 as multiplications
        var magnitude = Math.Abs(e) switch
        {
            0 => 1.0,
            1 => b,
            2 => b * b,
            3 => b * b * b,
            _ => (b * b) * (b * b),
        };
        return e < 0 ? 1 / magnitude : magnitude;
    }

    private static double CallOf(Call c, IReadOnlyDictionary<string, double> env, ref bool finite, double limit)
    {
        var args = new double[c.Arguments.Length];
        for (var i = 0; i < args.Length; i++)
        {
            args[i] = Eval(c.Arguments[i], env, ref finite, limit);
        }

        return c.Function.Method!.Invoke(null, [.. args.Cast<object>()]) is double d ? d : double.NaN;
    }

    private static double LetOf(Let l, IReadOnlyDictionary<string, double> env, ref bool finite, double limit)
    {
        var scope = new Dictionary<string, double>(env);
        foreach (var b in l.Bindings)
        {
            scope[b.Name] = Eval(b.Value, scope, ref finite, limit);
        }

        return Eval(l.Body, scope, ref finite, limit);
    }
}
