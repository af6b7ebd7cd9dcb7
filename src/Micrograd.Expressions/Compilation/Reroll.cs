using System.Linq.Expressions;
using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions.Compilation;

/// <summary>
/// Loop rerolling for very long sums and products. Straight-line code costs the JIT microseconds per term,
/// so a million-term sum took seconds to compile; but such sums are nearly always one shape repeated with
/// other numbers and parameters (<c>c0*x3 + c1*x7 + ...</c>). A run of steps of one shape becomes one small
/// compiled term and a loop over a table of its numbers and parameter positions, which applies the same
/// operations to the same values in the same order: the same bits as the straight-line code.
/// </summary>
internal static class Reroll
{
    /// <summary>Fewer consecutive steps of one shape than this stay straight-line code.</summary>
    public const int MinRun = 64;

    // a step's operand larger than this is not rerolled (its own code outweighs a loop's saving)
    private const int MaxTermNodes = 64;

    /// <summary>One term of a run: its value for the numbers at <c>constants[c..]</c> and the parameters at <c>inputs[indices[v..]]</c>.</summary>
    internal delegate double Term(double[] constants, int c, double[] inputs, int[] indices, int v);

    /// <summary>
    /// A term's value, as <see cref="Term"/>, and its reverse pass: for each parameter it names, <c>adjoint</c> times
    /// the term's derivative by it is added to <c>partials[position of the parameter in the run]</c>.
    /// </summary>
    internal delegate double TermGradient(double[] constants, int c, double[] inputs, int[] indices, int v, double adjoint, double[] partials);

    /// <summary>The parameters of a compiled <see cref="Term"/>: constants, c, inputs, indices, v.</summary>
    public static (ParameterExpression Constants, ParameterExpression C, ParameterExpression Inputs, ParameterExpression Indices, ParameterExpression V) TermParameters() =>
        (Expression.Parameter(typeof(double[]), "constants"), Expression.Parameter(typeof(int), "c"), Expression.Parameter(typeof(double[]), "inputs"),
         Expression.Parameter(typeof(int[]), "indices"), Expression.Parameter(typeof(int), "v"));

    /// <summary>What each slot of the template reads: <c>#ck</c> the k-th number of the term, <c>#vk</c> its k-th name's value.</summary>
    public static IEnumerable<KeyValuePair<string, Expression>> Slots(Run run, ParameterExpression constants, ParameterExpression c,
        ParameterExpression inputs, ParameterExpression indices, ParameterExpression v) =>
        Enumerable.Range(0, run.ConstantCount)
            .Select(k => KeyValuePair.Create(ConstantSlot(k), (Expression)Expression.ArrayIndex(constants, Expression.Add(c, Expression.Constant(k)))))
            .Concat(Enumerable.Range(0, run.NameCount)
                .Select(k => KeyValuePair.Create(NameSlot(k), (Expression)Expression.ArrayIndex(inputs, Expression.ArrayIndex(indices, Expression.Add(v, Expression.Constant(k)))))));

    /// <summary>The name of the template's k-th number.</summary>
    public static string ConstantSlot(int k) => "#c" + k.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The name of the template's k-th name.</summary>
    public static string NameSlot(int k) => "#v" + k.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// A run of <see cref="Count"/> steps <c>acc = acc op term</c> whose terms share <see cref="Template"/>: the shape
    /// with each number replaced by <c>#c0, #c1, ...</c> and each name by <c>#v0, #v1, ...</c>, in the order met. In a
    /// sum, additions and subtractions mix: then <see cref="Op"/> is Add and <see cref="Subtracted"/> marks the others.
    /// </summary>
    internal sealed record Run(int Start, int Count, ExpressionType Op, Expr Template, double[] Constants, int ConstantCount,
        int[] Indices, int NameCount, IReadOnlyList<string> Names, bool[]? Subtracted);

    /// <summary>The runs of at least <see cref="MinRun"/> steps of one shape and operation, in order.</summary>
    /// <param name="steps">The steps after a chain's first operand: the operation and the operand it applies.</param>
    public static List<Run> Find(IReadOnlyList<Steps.Step> steps)
    {
        var runs = new List<Run>();
        var start = 0;
        while (start + MinRun <= steps.Count)
        {
            var (op, like) = steps[start];
            var numbers = new List<double>();
            var names = new List<string>();
            if (!Match(like, like, numbers, names))
            {
                start++;
                continue;
            }

            var (constantCount, nameCount) = (numbers.Count, names.Count);
            var end = start + 1;
            while (end < steps.Count && (steps[end].Op == op || (IsAdditive(op) && IsAdditive(steps[end].Op))) && Match(like, steps[end].Operand, numbers, names))
            {
                end++;
            }

            if (end - start >= MinRun)
            {
                var mixed = IsAdditive(op) && Enumerable.Range(start, end - start).Any(k => steps[k].Op != op);
                bool[]? subtracted = mixed ? [.. Enumerable.Range(start, end - start).Select(k => steps[k].Op == ExpressionType.Subtract)] : null;
                runs.Add(Table(start, end - start, mixed ? ExpressionType.Add : op, Template(like), numbers, constantCount, names, nameCount) with { Subtracted = subtracted });
            }

            start = end;
        }

        return runs;
    }

    private static bool IsAdditive(ExpressionType op) => op is ExpressionType.Add or ExpressionType.Subtract;

    private static Run Table(int start, int count, ExpressionType op, Expr template, List<double> numbers, int constantCount, List<string> names, int nameCount)
    {
        var distinct = new List<string>();
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        var indices = new int[count * nameCount];
        for (var k = 0; k < indices.Length; k++)
        {
            if (!positions.TryGetValue(names[k], out var position))
            {
                position = positions[names[k]] = distinct.Count;
                distinct.Add(names[k]);
            }

            indices[k] = position;
        }

        return new Run(start, count, op, template, [.. numbers.Take(count * constantCount)], constantCount, indices, nameCount, distinct, null);
    }

    /// <summary>
    /// <see cref="Apply"/> with reverse mode: returns the run's value and fills <paramref name="partials"/> with its
    /// derivative by each of the run's names (positions 0..m-1) and by the accumulator it starts from (position m),
    /// each step's local derivatives those of the tape (<c>Backpropagation</c>), zeros strong (<c>Chain.Times</c>).
    /// </summary>
    public static double Gradient(double acc, ExpressionType op, bool[]? subtracted, Term term, TermGradient gradient, double[] constants,
        int constantCount, double[] inputs, int[] indices, int nameCount, int count, double[] partials)
    {
        var m = partials.Length - 1;
        if (IsAdditive(op))
        {
            // every term's adjoint is the sum's, times -1 for a subtraction: one forward pass does it all
            for (var (k, c, v) = (0, 0, 0); k < count; k++, c += constantCount, v += nameCount)
            {
                var minus = subtracted?[k] ?? op == ExpressionType.Subtract;
                var value = gradient(constants, c, inputs, indices, v, minus ? -1.0 : 1.0, partials);
                acc = minus ? acc - value : acc + value;
            }

            partials[m] = 1.0;
            return acc;
        }

        // a product needs each step's operands in the reverse pass: the accumulator before it and the term
        var saved = System.Buffers.ArrayPool<double>.Shared.Rent(2 * count);
        try
        {
            for (var (k, c, v) = (0, 0, 0); k < count; k++, c += constantCount, v += nameCount)
            {
                var value = term(constants, c, inputs, indices, v);
                (saved[2 * k], saved[(2 * k) + 1]) = (acc, value);
                acc = op == ExpressionType.Multiply ? acc * value : acc / value;
            }

            var g = 1.0;
            for (var k = count - 1; k >= 0; k--)
            {
                var (before, value) = (saved[2 * k], saved[(2 * k) + 1]);
                var after = k == count - 1 ? acc : saved[2 * (k + 1)];
                var (byTerm, byAcc) = op == ExpressionType.Multiply ? (before, value) : (-(after / value), 1.0 / value);
                _ = gradient(constants, k * constantCount, inputs, indices, k * nameCount, Calculus.Chain.Times(g, byTerm), partials);
                g = Calculus.Chain.Times(g, byAcc);
            }

            partials[m] = g;
            return acc;
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(saved);
        }
    }

    // True when e has the shape of `like` (at most MaxTermNodes nodes, no let): then e's numbers and names are added
    // in order. A number the lowering reads as structure must be equal: a small whole exponent (unrolled, -1 a
    // division) and a product's leading -1 (a negation).
    private static bool Match(Expr like, Expr e, List<double> numbers, List<string> names)
    {
        var (numberCount, nameCount, budget) = (numbers.Count, names.Count, MaxTermNodes);
        if (Same(like, e, structural: false, numbers, names, ref budget))
        {
            return true;
        }

        numbers.RemoveRange(numberCount, numbers.Count - numberCount);
        names.RemoveRange(nameCount, names.Count - nameCount);
        return false;
    }

    private static bool Same(Expr like, Expr e, bool structural, List<double> numbers, List<string> names, ref int budget)
    {
        if (--budget < 0)
        {
            return false;
        }

        switch (like, e)
        {
            case (Number a, Number b) when structural:
                return a.Value.Equals(b.Value);
            case (Number, Number b):
                numbers.Add(b.Value);
                return true;
            case (Variable, Variable v):
                names.Add(v.Name);
                return true;
            case (Sum a, Sum b) when a.Terms.Length == b.Terms.Length:
                for (var i = 0; i < a.Terms.Length; i++)
                {
                    if (!Same(a.Terms[i], b.Terms[i], false, numbers, names, ref budget))
                    {
                        return false;
                    }
                }

                return true;
            case (Product a, Product b) when a.Factors.Length == b.Factors.Length:
                for (var i = 0; i < a.Factors.Length; i++)
                {
                    if (!Same(a.Factors[i], b.Factors[i], i == 0 && (Steps.IsNegation(a) || Steps.IsNegation(b)), numbers, names, ref budget))
                    {
                        return false;
                    }
                }

                return true;
            case (Power a, Power b):
                return Same(a.Base, b.Base, false, numbers, names, ref budget)
                    && Same(a.Exponent, b.Exponent, IsStructural(a.Exponent) || IsStructural(b.Exponent), numbers, names, ref budget);
            case (Call a, Call b) when a.Arguments.Length == b.Arguments.Length && (ReferenceEquals(a.Function, b.Function) || a.Function.SameAs(b.Function)):
                for (var i = 0; i < a.Arguments.Length; i++)
                {
                    if (!Same(a.Arguments[i], b.Arguments[i], false, numbers, names, ref budget))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return false;
        }
    }

    // an exponent the lowering reads as structure: a small whole number (multiplications, or a division for -1);
    // any other number is the second argument of Math.Pow, so x**5 and x**7 share a shape
    private static bool IsStructural(Expr exponent) => exponent is Number { Value: var k } && Steps.IsUnrolled(k);

    // the operand with each number that is not structure replaced by #c0, #c1, ... and each name by #v0, #v1, ...
    private static Expr Template(Expr operand)
    {
        var (numbers, names) = (0, 0);
        Expr Slot(Expr e, bool structural) => e switch
        {
            Number n when structural => n,
            Number => new Variable(ConstantSlot(numbers++)),
            Variable => new Variable(NameSlot(names++)),
            Sum s => new Sum([.. s.Terms.Select(t => Slot(t, false))]),
            Product p => new Product([.. p.Factors.Select((f, i) => Slot(f, i == 0 && Steps.IsNegation(p)))]),
            Power p => new Power(Slot(p.Base, false), Slot(p.Exponent, IsStructural(p.Exponent))),
            Call c => new Call(c.Function, [.. c.Arguments.Select(a => Slot(a, false))]),
            _ => e,
        };
        return Slot(operand, false);
    }

    /// <summary><c>acc op term(k)</c> for each term of a run in order, as the straight-line code computes it.</summary>
    public static double Apply(double acc, ExpressionType op, bool[]? subtracted, Term term, double[] constants, int constantCount,
        double[] inputs, int[] indices, int nameCount, int count)
    {
        var (c, v) = (0, 0);
        for (var k = 0; k < count; k++, c += constantCount, v += nameCount)
        {
            var value = term(constants, c, inputs, indices, v);
            acc = op switch
            {
                ExpressionType.Add when subtracted is not null && subtracted[k] => acc - value,
                ExpressionType.Add => acc + value,
                ExpressionType.Subtract => acc - value,
                ExpressionType.Multiply => acc * value,
                _ => acc / value,
            };
        }

        return acc;
    }
}
