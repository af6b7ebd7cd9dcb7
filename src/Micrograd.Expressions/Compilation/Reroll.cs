using System.Linq.Expressions;
using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions.Compilation;

/// <summary>
/// Loop rerolling for very long sums and products. Straight-line code costs the JIT microseconds per term,
/// so a million-term sum written out takes seconds to compile; but such sums are nearly always a few shapes repeated with
/// other numbers and parameters (<c>c0*x3 + c1*x7 + ...</c>, or two shapes in turn as in Rosenbrock's function).
/// A run of blocks of steps, each block of the same shapes and operations, becomes one small compiled block and
/// a loop over a table of its numbers and parameter positions, which applies the same operations to the same
/// values in the same order: the same bits as the straight-line code.
/// </summary>
internal static class Reroll
{
    /// <summary>Fewer steps than this in a run stay straight-line code.</summary>
    public const int MinRun = 64;

    /// <summary>The most steps in a block: the longest period of shapes a run can repeat.</summary>
    public const int MaxPeriod = 8;

    // a step's operand larger than this is not rerolled (its own code outweighs a loop's saving)
    private const int MaxTermNodes = 64;

    /// <summary>One block of a run: <c>acc op0 t0 op1 t1 ...</c> for the numbers at <c>constants[c..]</c> and the parameters at <c>inputs[indices[v..]]</c>.</summary>
    internal delegate double Block(double acc, double[] constants, int c, double[] inputs, int[] indices, int v);

    /// <summary>
    /// A block's value, as <see cref="Block"/>, and its reverse pass: <c>adjoint</c> times the block's derivative by
    /// each parameter it names is added to <c>partials[positions[v..]]</c> (the parameter's position among the run's
    /// names; <c>indices</c> says where its value is read), and <c>adjoint</c> times its derivative by <c>acc</c> is
    /// stored in <c>partials[m]</c>, m the number of the run's names.
    /// </summary>
    internal delegate double BlockGradient(double acc, double[] constants, int c, double[] inputs, int[] indices, int v, double adjoint,
        double[] partials, int[] positions);

    /// <summary>True when a tree is large enough to reroll: more than <paramref name="rerollNodes"/> nodes
    /// (<see cref="FormulaOptions.RerollNodes"/>), and never at or below <see cref="LinqCompiler.MaxMethodNodes"/>.</summary>
    public static bool Applies(Expr tree, int rerollNodes) =>
        Nodes.MoreThan(tree, Math.Max(LinqCompiler.MaxMethodNodes, rerollNodes));

    /// <summary>
    /// The array a run reads its names' values from, given the expression for each of <see cref="Run.Names"/>, and
    /// each slot's index into it: the caller's own array when every value is read from one (nothing allocated per
    /// call), else an array of the values built at the call.
    /// </summary>
    public static (Expression Inputs, int[] Indices) Inputs(Run run, IReadOnlyList<Expression> values)
    {
        var reads = values.Select(v => v is BinaryExpression { NodeType: ExpressionType.ArrayIndex, Left: ParameterExpression array, Right: ConstantExpression { Value: int i } }
            ? (array, i) : default).ToList();
        return reads.Count > 0 && reads.All(r => r.array is not null) && reads.Select(r => r.array).Distinct().Count() == 1
            ? (reads[0].array, [.. run.Indices.Select(k => reads[k].i)])
            : (values.Count == 0 ? Expression.Constant(Array.Empty<double>()) : Locals.Doubles(values), run.Indices);
    }

    /// <summary>The parameters of a compiled block after <c>acc</c>: constants, c, inputs, indices, v.</summary>
    public static (ParameterExpression Constants, ParameterExpression C, ParameterExpression Inputs, ParameterExpression Indices, ParameterExpression V) BlockParameters() =>
        (Expression.Parameter(typeof(double[]), "constants"), Expression.Parameter(typeof(int), "c"), Expression.Parameter(typeof(double[]), "inputs"),
         Expression.Parameter(typeof(int[]), "indices"), Expression.Parameter(typeof(int), "v"));

    /// <summary>What each slot of the block reads: <c>#ck</c> its k-th number, <c>#vk</c> its k-th name's value.</summary>
    public static IEnumerable<KeyValuePair<string, Expression>> Slots(Run run, ParameterExpression constants, ParameterExpression c,
        ParameterExpression inputs, ParameterExpression indices, ParameterExpression v) =>
        Enumerable.Range(0, run.ConstantCount)
            .Select(k => KeyValuePair.Create(ConstantSlot(k), (Expression)Expression.ArrayIndex(constants, Expression.Add(c, Expression.Constant(k)))))
            .Concat(Enumerable.Range(0, run.NameCount)
                .Select(k => KeyValuePair.Create(NameSlot(k), (Expression)Expression.ArrayIndex(inputs, Expression.ArrayIndex(indices, Expression.Add(v, Expression.Constant(k)))))));

    /// <summary>The name of the block's k-th number.</summary>
    public static string ConstantSlot(int k) => "#c" + k.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The name of the block's k-th name.</summary>
    public static string NameSlot(int k) => "#v" + k.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// A run of <see cref="Count"/> blocks whose steps are <see cref="Block"/>: each operand the shape with its numbers
    /// replaced by <c>#c0, #c1, ...</c> and its names by <c>#v0, #v1, ...</c>, numbered across the block in the order met.
    /// </summary>
    internal sealed record Run(int Start, int Count, Steps.Step[] Block, double[] Constants, int ConstantCount,
        int[] Indices, int NameCount, IReadOnlyList<string> Names)
    {
        /// <summary>How many steps of the chain the run covers.</summary>
        public int Length => Count * Block.Length;

        /// <summary>True when every step adds or subtracts: the block's derivative by its accumulator is 1.</summary>
        public bool IsAdditive => Block.All(s => s.Op is ExpressionType.Add or ExpressionType.Subtract);
    }

    /// <summary>The runs of at least <see cref="MinRun"/> steps that repeat a block of up to <see cref="MaxPeriod"/> shapes, in order.</summary>
    /// <param name="steps">The steps after a chain's first operand: the operation and the operand it applies.</param>
    public static List<Run> Find(IReadOnlyList<Steps.Step> steps)
    {
        var runs = new List<Run>();
        var start = 0;
        while (start + MinRun <= steps.Count)
        {
            // the shortest period whose blocks repeat for a whole run
            var (period, blocks) = (0, 0);
            for (var p = 1; p <= MaxPeriod && start + (p * 2) <= steps.Count && period == 0; p++)
            {
                var b = Blocks(steps, start, p);
                (period, blocks) = b * p >= MinRun ? (p, b) : (0, 0);
            }

            if (period == 0)
            {
                start++;
                continue;
            }

            var numbers = new List<double>();
            var names = new List<string>();
            for (var k = start; k < start + (blocks * period); k++)
            {
                _ = Match(steps[start + ((k - start) % period)].Operand, steps[k].Operand, numbers, names);
            }

            var (numberSlot, nameSlot) = (0, 0);
            var block = Enumerable.Range(start, period)
                .Select(k => new Steps.Step(steps[k].Op, Template(steps[k].Operand, ref numberSlot, ref nameSlot))).ToArray();
            runs.Add(Table(start, blocks, block, numbers, numberSlot, names, nameSlot));
            start += blocks * period;
        }

        return runs;
    }

    // how many blocks of p steps from start repeat the first one's operations and shapes (0 where it cannot be rerolled)
    private static int Blocks(IReadOnlyList<Steps.Step> steps, int start, int p)
    {
        for (var j = 0; j < p; j++)
        {
            if (!Match(steps[start + j].Operand, steps[start + j].Operand, null, null))
            {
                return 0;
            }
        }

        var blocks = 1;
        while (start + ((blocks + 1) * p) <= steps.Count && Enumerable.Range(0, p).All(j =>
            steps[start + (blocks * p) + j].Op == steps[start + j].Op && Match(steps[start + j].Operand, steps[start + (blocks * p) + j].Operand, null, null)))
        {
            blocks++;
        }

        return blocks;
    }

    private static Run Table(int start, int count, Steps.Step[] block, List<double> numbers, int constantCount, List<string> names, int nameCount)
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

        return new Run(start, count, block, [.. numbers], constantCount, indices, nameCount, distinct);
    }

    /// <summary>
    /// <see cref="Apply"/> with reverse mode: returns the run's value and fills <paramref name="partials"/> with its
    /// derivative by each of the run's m names (positions 0..m-1) and by the accumulator it starts from (position m),
    /// each step's local derivatives those of the tape (<c>Backpropagation</c>), zeros strong (<c>StrongZero.Times</c>).
    /// <paramref name="partials"/> may be longer (a pooled array); what it held is cleared first.
    /// </summary>
    public static double Gradient(double acc, bool additive, Block block, BlockGradient gradient, double[] constants, int constantCount,
        double[] inputs, int[] indices, int[] positions, int nameCount, int count, double[] partials, int m)
    {
        partials.AsSpan(0, m + 1).Clear();
        if (additive)
        {
            // a block of additions and subtractions passes its adjoint to the accumulator unchanged: every block's
            // adjoint is the run's, and one forward pass does it all
            for (var (k, c, v) = (0, 0, 0); k < count; k++, c += constantCount, v += nameCount)
            {
                acc = gradient(acc, constants, c, inputs, indices, v, 1.0, partials, positions);
            }

            partials[m] = 1.0;
            return acc;
        }

        // otherwise the reverse pass needs each block's accumulator: kept from a forward pass
        var saved = System.Buffers.ArrayPool<double>.Shared.Rent(count);
        try
        {
            for (var (k, c, v) = (0, 0, 0); k < count; k++, c += constantCount, v += nameCount)
            {
                saved[k] = acc;
                acc = block(acc, constants, c, inputs, indices, v);
            }

            var g = 1.0;
            for (var k = count - 1; k >= 0; k--)
            {
                _ = gradient(saved[k], constants, k * constantCount, inputs, indices, k * nameCount, g, partials, positions);
                g = partials[m];
            }

            partials[m] = g;
            return acc;
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(saved);
        }
    }

    /// <summary>Each block of a run in order, as the straight-line code computes it.</summary>
    public static double Apply(double acc, Block block, double[] constants, int constantCount, double[] inputs, int[] indices, int nameCount, int count)
    {
        for (var (k, c, v) = (0, 0, 0); k < count; k++, c += constantCount, v += nameCount)
        {
            acc = block(acc, constants, c, inputs, indices, v);
        }

        return acc;
    }

    // True when e has the shape of `like` (at most MaxTermNodes nodes, no let): then e's numbers and names are added
    // in order. A number the lowering reads as structure must be equal: a small whole exponent (unrolled, -1 a
    // division) and a product's leading -1 (a negation).
    private static bool Match(Expr like, Expr e, List<double>? numbers, List<string>? names)
    {
        var (numberCount, nameCount, budget) = (numbers?.Count ?? 0, names?.Count ?? 0, MaxTermNodes);
        if (Same(like, e, structural: false, numbers, names, ref budget))
        {
            return true;
        }

        numbers?.RemoveRange(numberCount, numbers.Count - numberCount);
        names?.RemoveRange(nameCount, names.Count - nameCount);
        return false;
    }

    private static bool Same(Expr like, Expr e, bool structural, List<double>? numbers, List<string>? names, ref int budget)
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
                numbers?.Add(b.Value);
                return true;
            case (Variable, Variable v):
                names?.Add(v.Name);
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
    private static Expr Template(Expr operand, ref int numberSlot, ref int nameSlot)
    {
        var (numbers, names) = (numberSlot, nameSlot);
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
        var template = Slot(operand, false);
        (numberSlot, nameSlot) = (numbers, names);
        return template;
    }
}
