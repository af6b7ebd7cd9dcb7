using System.Diagnostics.CodeAnalysis;
using System.Linq.Expressions;

namespace Micrograd.Expressions.Syntax;

/// <summary>
/// The evaluation shapes, named once for every evaluator (compiled, interpreted, batch, rerolled and reverse mode).
/// A sum or a product is a first operand and steps <c>acc op operand</c> applied left to right, in IEEE order: a
/// negated term <c>(-1)*u*...</c> after the first is the subtraction of <c>u*...</c> (<c>a + -b == a - b</c>), a
/// factor <c>u**-1</c> after the first the division by <c>u</c> (as the parser wrote it), a product's leading -1 a
/// negation (<c>(-1)*u == -u</c>), and a literal whole power up to 4 in size repeated multiplication.
/// </summary>
internal static class Steps
{
    /// <summary>One step: <c>acc + u</c>, <c>acc - u</c>, <c>acc * u</c> or <c>acc / u</c>.</summary>
    internal readonly record struct Step(ExpressionType Op, Expr Operand);

    /// <summary>A sum or product: its first operand, negated or not, and the steps applied to it.</summary>
    internal readonly record struct Series(Expr First, bool Negate, Step[] Rest);

    /// <summary>The largest |n| for which <c>u**n</c> is evaluated as repeated multiplication.</summary>
    public const int MaxUnrolledPower = 4;

    /// <summary>True for a term of a sum that is subtracted: a product whose first factor is -1.</summary>
    public static bool IsSubtraction(Expr term) => term is Product p && IsNegation(p);

    /// <summary>True for a term of a sum that is subtracted, with what it subtracts: the product without its -1.</summary>
    public static bool IsSubtraction(Expr term, [NotNullWhen(true)] out Expr? subtrahend)
    {
        subtrahend = IsSubtraction(term) ? WithoutSign((Product)term) : null;
        return subtrahend is not null;
    }

    /// <summary>True for a factor after a product's first that divides: <c>u**-1</c>.</summary>
    public static bool IsDivision(Expr factor, [NotNullWhen(true)] out Expr? divisor)
    {
        divisor = factor is Power { Exponent: Number { Value: -1 } } reciprocal ? reciprocal.Base : null;
        return divisor is not null;
    }

    /// <summary>True when the product's first factor is -1, a negation of the rest.</summary>
    public static bool IsNegation(Product p) => p.Factors[0] is Number { Value: -1 };

    /// <summary>A sum as its first term and the additions and subtractions after it.</summary>
    public static Series Of(Sum s) => new(s.Terms[0], false, [.. s.Terms.Skip(1).Select(term =>
        IsSubtraction(term, out var subtrahend) ? new Step(ExpressionType.Subtract, subtrahend) : new Step(ExpressionType.Add, term))]);

    /// <summary>A product as its first factor (after a leading -1, which negates it) and the multiplications and divisions after it.</summary>
    public static Series Of(Product p)
    {
        var negate = IsNegation(p);
        var start = negate ? 1 : 0;
        return new(p.Factors[start], negate, [.. p.Factors.Skip(start + 1).Select(factor =>
            IsDivision(factor, out var divisor) ? new Step(ExpressionType.Divide, divisor) : new Step(ExpressionType.Multiply, factor))]);
    }

    /// <summary>True for a literal exponent that is evaluated by multiplications (a whole number up to 4 in size).</summary>
    public static bool IsUnrolled(double k) => k == Math.Round(k) && Math.Abs(k) <= MaxUnrolledPower;

    /// <summary><c>b ** k</c> for a literal exponent, exactly as every evaluator computes it.</summary>
    public static double PowerByLiteral(double b, double k) => IsUnrolled(k) ? UnrolledPower(b, (int)k) : Math.Pow(b, k);

    /// <summary><c>b ** n</c> for a whole |n| up to 4: <c>b*b</c>, <c>b*b*b</c>, <c>(b*b)*(b*b)</c>, and 1 over them for n &lt; 0.</summary>
    public static double UnrolledPower(double b, int n) => UnrolledPower(b, n, default(Doubles));

    /// <summary>
    /// The one shape of an unrolled power, in any arithmetic (numbers, or the compiler's expressions):
    /// <c>b*b</c>, <c>(b*b)*b</c>, <c>(b*b)*(b*b)</c>, and the reciprocal of them for n &lt; 0.
    /// </summary>
    /// <typeparam name="T">A number or an expression.</typeparam>
    /// <typeparam name="TArithmetic">Its multiplication, reciprocal and one (a struct, so each arithmetic is compiled apart and inlined).</typeparam>
    public static T UnrolledPower<T, TArithmetic>(T b, int n, TArithmetic arithmetic)
        where TArithmetic : struct, IArithmetic<T>
    {
        var magnitude = Math.Abs(n) switch
        {
            0 => arithmetic.One,
            1 => b,
            2 => arithmetic.Multiply(b, b),
            3 => arithmetic.Multiply(arithmetic.Multiply(b, b), b),
            _ => arithmetic.Multiply(arithmetic.Multiply(b, b), arithmetic.Multiply(b, b)),
        };
        return n < 0 ? arithmetic.Reciprocal(magnitude) : magnitude;
    }

    /// <summary>What <see cref="UnrolledPower{T, TArithmetic}"/> computes with.</summary>
    /// <typeparam name="T">A number or an expression.</typeparam>
    internal interface IArithmetic<T>
    {
        /// <summary>1.</summary>
        T One { get; }

        /// <summary><c>a * b</c>.</summary>
        T Multiply(T a, T b);

        /// <summary><c>1 / a</c>.</summary>
        T Reciprocal(T a);
    }

    private readonly struct Doubles : IArithmetic<double>
    {
        public double One => 1.0;

        public double Multiply(double a, double b) => a * b;

        public double Reciprocal(double a) => 1.0 / a;
    }

    /// <summary>A negation without its -1: the rest of the product (<c>u</c> when it is the only other factor).</summary>
    public static Expr WithoutSign(Product negated) =>
        negated.Factors.Length == 2 ? negated.Factors[1] : new Product(negated.Factors.RemoveAt(0));
}
