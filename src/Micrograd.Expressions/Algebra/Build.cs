using System.Runtime.InteropServices;
using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions.Algebra;

/// <summary>
/// Smart constructors: every tree built through them comes out simplified, so the differentiator and the
/// simplifier need no cleanup pass. They may change rounding (they apply algebra, not IEEE order), which is
/// why the parser uses <see cref="Exact"/> instead. Each keeps the invariant written above it.
/// </summary>
internal static class Build
{
    /// <summary>The number 0.</summary>
    public static readonly Number Zero = new(0);

    /// <summary>The number 1.</summary>
    public static readonly Number One = new(1);

    // -0.0: a value of its own (1/x tells it from 0), and the exact identity of IEEE addition (x + -0.0 is x)
    private static readonly Number NegativeZero = new(-0.0);

    /// <summary>The number -1.</summary>
    public static readonly Number MinusOne = new(-1);

    /// <summary>A number literal.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The node.</returns>
    public static Expr Num(double value) => value switch
    {
        0 when double.IsNegative(value) => NegativeZero,
        0 => Zero,
        1 => One,
        -1 => MinusOne,
        _ => new Number(value),
    };

    /// <summary>A parameter or bound name.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The node.</returns>
    public static Expr Var(string name) => new Variable(name);

    /// <summary>
    /// A sum. Invariant: no summand is a sum; like terms are combined (<c>2*x + 3*x</c> is <c>5*x</c>);
    /// numbers are folded in IEEE arithmetic from -0.0, the exact identity of addition, and the sum dropped when it
    /// is -0.0 (<c>x + -0.0</c> is <c>x</c> for every x) but kept when it is 0.0 (<c>-0.0 + 0.0</c> is 0.0, so
    /// <c>x + 0</c> is not <c>x</c>); the only number, if any, is the last summand; terms keep their order of first appearance,
    /// except that a positive term leads (<see cref="CanonicalOrder.PositiveFirst"/>).
    /// </summary>
    /// <param name="terms">The summands.</param>
    /// <returns>The simplified sum.</returns>
    public static Expr Add(params ReadOnlySpan<Expr> terms)
    {
        var like = new LikeTerms(terms.Length);
        foreach (var term in terms)
        {
            like.Accept(term);
        }

        return like.Sum();
    }

    /// <summary>As <see cref="Add(ReadOnlySpan{Expr})"/>, for summands computed one by one.</summary>
    /// <param name="terms">The summands.</param>
    /// <returns>The simplified sum.</returns>
    public static Expr Add(IEnumerable<Expr> terms) => Add(terms.ToArray().AsSpan());

    // Add's state: the numbers folded, the other terms' coefficients by monomial in order of first appearance
    private struct LikeTerms(int capacity)
    {
        private Like<double> monomials = new(capacity, MonomialComparer.Instance);
        private double constant = -0.0;
        private bool numbers;

        public void Accept(Expr term)
        {
            if (term is Sum s)
            {
                foreach (var t in s.Terms)
                {
                    AcceptOne(t);
                }
            }
            else
            {
                AcceptOne(term);
            }
        }

        private void AcceptOne(Expr term)
        {
            if (term is Number n)
            {
                constant += n.Value;
                numbers = true;
                return;
            }

            var (c, monomial) = SplitCoefficient(term);
            monomials.Add(monomial, c, static (a, b) => a + b);
        }

        public readonly Expr Sum()
        {
            var kept = 0;
            for (var i = 0; i < monomials.Count; i++)
            {
                kept += monomials.Value(i) != 0 ? 1 : 0;
            }

            var withConstant = constant != 0 || (!double.IsNegative(constant) && kept > 0);
            var result = new Expr[kept + (withConstant ? 1 : 0)];
            var at = 0;
            for (var i = 0; i < monomials.Count; i++)
            {
                if (monomials.Value(i) != 0)
                {
                    result[at++] = Mul(Num(monomials.Value(i)), monomials.Key(i));
                }
            }

            if (withConstant)
            {
                result[at] = Num(constant);
            }

            CanonicalOrder.PositiveFirst(result);
            return result.Length switch
            {
                0 => numbers ? Num(constant) : Zero,
                1 => result[0],
                _ => new Sum(ImmutableCollectionsMarshal.AsImmutableArray(result)),
            };
        }
    }

    // values by key in order of first appearance (like terms by monomial, like factors by base): keys are compared
    // one by one, hash first, while there are at most FewItems, and looked up in a dictionary past that
    private struct Like<T>(int capacity, IEqualityComparer<Expr> comparer)
    {
        private const int FewItems = 8;

        private (Expr Key, int Hash, T Value)[] items = new (Expr, int, T)[Math.Max(capacity, 2)];
        private Dictionary<Expr, int>? index;

        public int Count { get; private set; }

        public readonly Expr Key(int i) => items[i].Key;

        public readonly T Value(int i) => items[i].Value;

        // combines value into the key's, or adds the key with it at its first appearance
        public void Add(Expr key, T value, Func<T, T, T> combine)
        {
            var hash = comparer.GetHashCode(key);
            var at = Find(key, hash);
            if (at >= 0)
            {
                items[at].Value = combine(items[at].Value, value);
                return;
            }

            if (Count == items.Length)
            {
                Array.Resize(ref items, Count * 2);
            }

            items[Count] = (key, hash, value);
            index?.Add(key, Count);
            Count++;
            if (index is null && Count > FewItems)
            {
                index = new Dictionary<Expr, int>(comparer);
                for (var i = 0; i < Count; i++)
                {
                    index.Add(items[i].Key, i);
                }
            }
        }

        private readonly int Find(Expr key, int hash)
        {
            if (index is not null)
            {
                return index.TryGetValue(key, out var at) ? at : -1;
            }

            for (var i = 0; i < Count; i++)
            {
                if (items[i].Hash == hash && comparer.Equals(items[i].Key, key))
                {
                    return i;
                }
            }

            return -1;
        }
    }

    /// <summary>
    /// A product. Invariant: no factor is a product; numbers are multiplied into one coefficient, first and
    /// never 1 (except before divisors only: <c>1/x</c>); like factors are combined into powers
    /// (<c>x*x</c> is <c>x**2</c>, <c>x/x</c> is 1); the other factors and the divisors (<c>u**-1</c>, after them)
    /// in the canonical order of <see cref="CanonicalOrder"/>.
    /// A zero coefficient gives 0.
    /// </summary>
    /// <param name="factors">The factors.</param>
    /// <returns>The simplified product.</returns>
    public static Expr Mul(params ReadOnlySpan<Expr> factors)
    {
        var like = new LikeFactors(factors.Length);
        foreach (var factor in factors)
        {
            like.Accept(factor);
        }

        return like.Product();
    }

    /// <summary>As <see cref="Mul(ReadOnlySpan{Expr})"/>, for factors computed one by one.</summary>
    /// <param name="factors">The factors.</param>
    /// <returns>The simplified product.</returns>
    public static Expr Mul(IEnumerable<Expr> factors) => Mul(factors.ToArray().AsSpan());

    // Mul's state: the numbers multiplied, the other factors' exponents by base in order of first appearance
    private struct LikeFactors(int capacity)
    {
        private Like<Expr> bases = new(capacity, StructuralComparer.Instance);
        private double coefficient = 1.0;

        // the factors of a product, and of an integer power of a product: (2*x)**-1 -> 2**-1, x**-1
        public void Accept(Expr factor)
        {
            switch (factor)
            {
                case Product p:
                    foreach (var f in p.Factors)
                    {
                        AcceptOne(f);
                    }

                    break;
                case Power { Base: Product p, Exponent: Number { Value: var n } } when IsInteger(n):
                    foreach (var f in p.Factors)
                    {
                        Accept(Pow(f, Num(n)));
                    }

                    break;
                default:
                    AcceptOne(factor);
                    break;
            }
        }

        private void AcceptOne(Expr factor)
        {
            if (factor is Number n)
            {
                coefficient *= n.Value;
                return;
            }

            var (b, e) = SplitPower(factor);
            bases.Add(b, e, static (a, b) => Add(a, b));
        }

        public readonly Expr Product()
        {
            var coefficient = this.coefficient;
            if (coefficient == 0)
            {
                return Num(coefficient);
            }

            var divisor = 1.0;
            var numerator = new List<Expr>(bases.Count);
            List<Expr>? denominator = null;
            for (var i = 0; i < bases.Count; i++)
            {
                switch (Pow(bases.Key(i), bases.Value(i)))
                {
                    case Number n:
                        coefficient *= n.Value;
                        break;
                    case Power { Base: Number { Value: var d }, Exponent: Number { Value: -1 } } when IsInteger(d) && d != 0:
                        divisor *= d;
                        break;
                    case Power { Base: Product { Factors: [Number { Value: var d }, ..] } scaled, Exponent: Number { Value: -1 } } when IsInteger(d) && d != 0:
                        // 1/(4*u) keeps 4 with the other numbers, so -2/(4*u) reduces to -1/(2*u)
                        divisor *= d;
                        (denominator ??= []).Add(new Power(scaled.Factors.Length == 2 ? scaled.Factors[1] : new Product(scaled.Factors.RemoveAt(0)), MinusOne));
                        break;
                    case Power { Exponent: Number { Value: -1 } } reciprocal:
                        (denominator ??= []).Add(reciprocal);
                        break;
                    case Product p:
                        var numbers = 1.0;
                        foreach (var f in p.Factors)
                        {
                            if (f is Number c)
                            {
                                numbers *= c.Value;
                            }
                            else
                            {
                                numerator.Add(f);
                            }
                        }

                        coefficient *= numbers;
                        break;
                    case var other:
                        numerator.Add(other);
                        break;
                }
            }

            // the coefficient is the fraction coefficient/divisor, reduced while both are integers
            if (divisor != 1)
            {
                if (IsInteger(coefficient) && Math.Abs(coefficient) < 1e15 && Math.Abs(divisor) < 1e15)
                {
                    var g = Gcd(Math.Abs(coefficient), Math.Abs(divisor)) * Math.Sign(divisor);
                    (coefficient, divisor) = (coefficient / g, divisor / g);
                }
                else
                {
                    (coefficient, divisor) = (coefficient / divisor, 1);
                }
            }

            var divisors = denominator is null && divisor == 1 ? null : CanonicalOrder.Divisors(denominator ?? [], divisor);
            var below = divisors?.Count ?? 0;
            var lead = coefficient != 1 || (numerator.Count == 0 && below > 0) ? 1 : 0;
            var all = new Expr[lead + numerator.Count + below];
            if (lead == 1)
            {
                all[0] = Num(coefficient);
            }

            CanonicalOrder.Factors(numerator, all.AsSpan(lead, numerator.Count));
            divisors?.CopyTo(all, lead + numerator.Count);
            return all.Length switch
            {
                0 => Num(coefficient),
                1 => all[0],
                _ => new Product(ImmutableCollectionsMarshal.AsImmutableArray(all)),
            };
        }
    }

    /// <summary>
    /// A power. Invariant: no exponent 0 or 1, no base 0 or 1 (with a numeric exponent); numbers folded when the
    /// result is an exact integer or the exponent a positive integer; <c>(u**a)**n</c> is <c>u**(a*n)</c> for integer n;
    /// a negative numeric exponent other than -1 is written as a divisor, <c>(u**n)**-1</c>.
    /// </summary>
    /// <param name="b">The base.</param>
    /// <param name="e">The exponent.</param>
    /// <returns>The simplified power.</returns>
    public static Expr Pow(Expr b, Expr e)
    {
        switch (b, e)
        {
            case (_, Number { Value: 0 }):
                return One;
            case (_, Number { Value: 1 }):
                return b;
            case (Number { Value: 1 }, _):
                return One;
            case (Number { Value: 0 } zero, Number { Value: > 0 }) when !double.IsNegative(zero.Value):
                return Zero;
            case (Number x, Number y) when Foldable(Math.Pow(x.Value, y.Value), y.Value):
                return Num(Math.Pow(x.Value, y.Value));
            case (Power inner, Number { Value: var n }) when IsInteger(n):
                return Pow(inner.Base, Mul(inner.Exponent, e));
            case (Product p, Number { Value: var n }) when IsInteger(n) && n > 0:
                return Mul(p.Factors.Select(f => Pow(f, e)));
            case (_, Number { Value: var n }) when n < 0 && n != -1:
                return new Power(Pow(b, Num(-n)), MinusOne);
            default:
                return new Power(b, e);
        }
    }

    /// <summary><c>-u</c>, as <c>(-1)*u</c> simplified.</summary>
    /// <param name="u">The operand.</param>
    /// <returns>The negation.</returns>
    public static Expr Neg(Expr u) => Mul(MinusOne, u);

    /// <summary><c>a - b</c>.</summary>
    /// <param name="a">The minuend.</param>
    /// <param name="b">The subtrahend.</param>
    /// <returns>The difference.</returns>
    public static Expr Sub(Expr a, Expr b) => Add(a, Neg(b));

    /// <summary><c>a / b</c>, as <c>a * b**-1</c> simplified.</summary>
    /// <param name="a">The dividend.</param>
    /// <param name="b">The divisor.</param>
    /// <returns>The quotient.</returns>
    public static Expr Div(Expr a, Expr b) => Mul(a, Pow(b, MinusOne));

    /// <summary>A call of a built-in function; folded when every argument is a number and the result an exact integer.</summary>
    /// <param name="function">The function.</param>
    /// <param name="arguments">Exactly <see cref="Function.Arity"/> arguments.</param>
    /// <returns>The call or its value.</returns>
    public static Expr Call(Function function, params Expr[] arguments)
    {
        ArgumentNullException.ThrowIfNull(function);
        if (arguments.Length != function.Arity)
        {
            throw new ArgumentException($"{function.Signature} takes {function.Arity} argument(s), not {arguments.Length}", nameof(arguments));
        }

        if (arguments.Length > 0 && arguments.All(a => a is Number or Syntax.Call { Arguments.Length: 0 }))
        {
            var value = function.Invoke([.. arguments.Select(a => a is Number n ? n.Value : ((Syntax.Call)a).Function.ConstantValue)]);
            if (double.IsFinite(value) && IsInteger(value))
            {
                return Num(value);
            }
        }

        return new Call(function, [.. arguments]);
    }

    // c*rest -> (c, rest); anything else -> (1, term)
    internal static (double Coefficient, Expr Monomial) SplitCoefficient(Expr term) => term switch
    {
        Product { Factors: [Number c, var only] } => (c.Value, only),
        Product { Factors: [Number c, ..] } p => (c.Value, new Product(p.Factors.RemoveAt(0))),
        _ => (1.0, term),
    };

    // (u**n)**-1 -> (u, -n); u**e -> (u, e); u -> (u, 1)
    private static (Expr Base, Expr Exponent) SplitPower(Expr factor) => factor switch
    {
        Power { Base: Power { Exponent: Number n } inner, Exponent: Number { Value: -1 } } => (inner.Base, Num(-n.Value)),
        Power p => (p.Base, p.Exponent),
        _ => (factor, One),
    };

    private static double Gcd(double a, double b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a == 0 ? 1 : a;
    }

    private static bool IsInteger(double v) => double.IsFinite(v) && v == Math.Floor(v);

    private static bool Foldable(double result, double exponent) =>
        double.IsFinite(result) && (IsInteger(result) || (IsInteger(exponent) && exponent > 0));
}
