using System.Reflection;
using L = System.Linq.Expressions.Expression;

namespace Micrograd.Expressions.Compilation;

/// <summary>
/// Calls written with what every LINQ query provider of note translates to SQL (EF Core's SQLite and Npgsql
/// providers): <see cref="Math"/>'s <c>Sin</c>, <c>Cos</c>, <c>Tan</c>, <c>Asin</c>, <c>Acos</c>, <c>Atan</c>,
/// <c>Atan2</c>, <c>Exp</c>, <c>Log</c>, <c>Log10</c>, <c>Sqrt</c>, <c>Abs</c> and <c>Pow</c>, arithmetic and
/// conditionals (<c>CASE WHEN</c>). The rest is lowered into those: hyperbolic functions and sigmoid through
/// <c>exp</c> (with a Taylor polynomial near 0, where the difference of exponentials would lose digits),
/// <c>cbrt</c> through <c>Pow</c> with the sign restored, and <c>sign</c>, <c>relu</c>, <c>heaviside</c>,
/// <c>min</c> and <c>max</c> as conditionals with the engine's rules for ties. Within 1e-15 relative of the
/// engine's own functions for finite arguments; NaN arguments are not kept NaN by the conditionals.
/// </summary>
internal static class QueryLowering
{
    // below this magnitude, sinh(u) = u + u³/6 and tanh(u) = u - u³/3 are exact to double precision
    private const double Small = 1e-5;

    // past this magnitude, tanh(u) is ±1 in double precision (and exp(2u) would overflow sooner or later)
    private const double Saturated = 20;

    private static readonly MethodInfo Exp = Math(nameof(System.Math.Exp));

    /// <summary>The call written for a query provider, or null when the function translates as it is.</summary>
    public static L? Lower(Function function, L[] args)
    {
        if (!function.IsBuiltIn)
        {
            return null;
        }

        var x = args[0];
        return function.Name switch
        {
            "sinh" => Near0(x, L.Add(x, Cube(x, 1.0 / 6)), L.Divide(L.Subtract(E(x), E(L.Negate(x))), C(2))),
            "cosh" => L.Divide(L.Add(E(x), E(L.Negate(x))), C(2)),
            "tanh" => L.Condition(L.GreaterThan(x, C(Saturated)), C(1),
                L.Condition(L.LessThan(x, C(-Saturated)), C(-1),
                    Near0(x, L.Subtract(x, Cube(x, 1.0 / 3)), L.Divide(L.Subtract(E(L.Multiply(C(2), x)), C(1)), L.Add(E(L.Multiply(C(2), x)), C(1)))))),
            "cbrt" => L.Condition(L.LessThan(x, C(0)), L.Negate(Pow(L.Negate(x), C(1.0 / 3))), Pow(x, C(1.0 / 3))),
            "sign" => L.Condition(L.GreaterThan(x, C(0)), C(1), L.Condition(L.LessThan(x, C(0)), C(-1), x)),
            "relu" => L.Condition(L.GreaterThan(x, C(0)), x, C(0)),
            "heaviside" => L.Condition(L.GreaterThan(x, C(0)), C(1), C(0)),
            "sigmoid" => L.Divide(C(1), L.Add(C(1), E(L.Negate(x)))),
            "min" => L.Condition(L.LessThan(args[1], x), args[1], x),
            "max" => L.Condition(L.GreaterThan(args[1], x), args[1], x),
            _ => null,
        };
    }

    private static L Near0(L x, L small, L otherwise) =>
        L.Condition(L.LessThan(L.Call(Math(nameof(System.Math.Abs)), x), C(Small)), small, otherwise);

    private static L Cube(L x, double coefficient) => L.Multiply(C(coefficient), L.Multiply(L.Multiply(x, x), x));

    private static L E(L x) => L.Call(Exp, x);

    private static L Pow(L x, L y) => L.Call(typeof(Math).GetMethod(nameof(System.Math.Pow))!, x, y);

    private static L C(double value) => L.Constant(value);

    private static MethodInfo Math(string name) => typeof(Math).GetMethod(name, [typeof(double)])!;
}
