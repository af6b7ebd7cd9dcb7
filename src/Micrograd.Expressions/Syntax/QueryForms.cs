using System.Reflection;
using L = System.Linq.Expressions.Expression;

namespace Micrograd.Expressions.Syntax;

/// <summary>
/// The vocabulary of the function rows' query forms (<see cref="Function.QueryForm"/>): what every LINQ query
/// provider of note translates to SQL (EF Core's SQLite and Npgsql providers): <see cref="Math"/>'s <c>Sin</c>,
/// <c>Cos</c>, <c>Tan</c>, <c>Asin</c>, <c>Acos</c>, <c>Atan</c>, <c>Atan2</c>, <c>Exp</c>, <c>Log</c>,
/// <c>Log10</c>, <c>Sqrt</c>, <c>Abs</c> and <c>Pow</c>, arithmetic and conditionals (<c>CASE WHEN</c>). A row
/// whose function providers lack writes its call with these: hyperbolic functions and sigmoid through <c>exp</c>
/// (with a Taylor polynomial near 0, where the difference of exponentials would lose digits), <c>cbrt</c> through
/// <c>Pow</c> with the sign restored, <c>log2</c> as <c>Log(x)/Log(2)</c>, and <c>sign</c>, <c>relu</c>, <c>heaviside</c>, <c>min</c> and <c>max</c>
/// as conditionals with the engine's rules for ties. Within 1e-15 relative of the engine's own functions for
/// finite arguments; NaN arguments are not kept NaN by the conditionals.
/// </summary>
internal static class QueryForms
{
    // past this magnitude, tanh(u) is ±1 in double precision (and exp(2u) would overflow sooner or later)
    public const double Saturated = 20;

    // below this magnitude, sinh(u) = u + u³/6 and tanh(u) = u - u³/3 are exact to double precision
    private const double Small = 1e-5;

    private static readonly MethodInfo ExpMethod = Math(nameof(System.Math.Exp));

    /// <summary><paramref name="small"/> where |x| is below 1e-5 (a Taylor polynomial exact there), else <paramref name="otherwise"/>.</summary>
    public static L Near0(L x, L small, L otherwise) =>
        L.Condition(L.LessThan(L.Call(Math(nameof(System.Math.Abs)), x), C(Small)), small, otherwise);

    /// <summary><c>coefficient*x³</c>.</summary>
    public static L Cube(L x, double coefficient) => L.Multiply(C(coefficient), L.Multiply(L.Multiply(x, x), x));

    /// <summary><c>exp(x)</c>.</summary>
    public static L Exp(L x) => L.Call(ExpMethod, x);

    /// <summary><c>log(x)</c>, the natural logarithm.</summary>
    public static L Log(L x) => L.Call(Math(nameof(System.Math.Log)), x);

    /// <summary><c>x**y</c> as <see cref="System.Math.Pow"/>.</summary>
    public static L Pow(L x, L y) => L.Call(typeof(Math).GetMethod(nameof(System.Math.Pow))!, x, y);

    /// <summary>A number.</summary>
    public static L C(double value) => L.Constant(value);

    /// <summary><c>test ? then : otherwise</c>.</summary>
    public static L If(L test, L then, L otherwise) => L.Condition(test, then, otherwise);

    private static MethodInfo Math(string name) => typeof(Math).GetMethod(name, [typeof(double)])!;
}
