using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Micrograd.Expressions.Compilation;

// The batch loop (NumExpr's design): each instruction runs over a block of points before the next, so the dispatch
// is paid once per block, and +, -, *, /, negation and the rows with an exact lane-wise form run on Vector<double>.
internal sealed partial class Program
{
    // points per block: a block of every slot stays in the L2 cache for programs of a few hundred slots
    private const int Block = 512;

    /// <summary>The program as a batch kernel: <c>results[i] = f(columns[0][i], ...)</c> for i in [start, start + count).</summary>
    public BatchCompiler.Kernel ToKernel() => EvaluateBatch;

    private void EvaluateBatch(double[][] columns, double[] results, int start, int count)
    {
        // parameters are read from their columns in place, and the last instruction, when it computes the value,
        // writes the results in place: no copy in or out
        var direct = code.Length > 0 && code[^1].Target == Outputs[0] && Outputs[0] >= parameters;
        var rented = ArrayPool<double>.Shared.Rent(slots * Block);
        try
        {
            var s = rented.AsSpan(0, slots * Block);
            for (var k = 0; k < constants.Length; k++)
            {
                s.Slice((parameters + k) * Block, Block).Fill(constants[k]);
            }

            for (var at = start; at < start + count; at += Block)
            {
                var block = new BlockSlots(s, columns, at, Math.Min(Block, start + count - at), parameters);
                ExecuteBlock(block, direct ? results.AsSpan(at, block.Length) : default);
                if (!direct)
                {
                    block[Outputs[0]].CopyTo(results.AsSpan(at, block.Length));
                }
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    // a block's slots: a parameter's is its column's range, any other its rows of the scratch space
    private readonly ref struct BlockSlots(Span<double> scratch, double[][] columns, int at, int length, int parameters)
    {
        private readonly Span<double> scratch = scratch;

        public int Length => length;

        public Span<double> this[int slot] => slot < parameters ? columns[slot].AsSpan(at, length) : scratch.Slice(slot * Program.Block, length);
    }

    private void ExecuteBlock(BlockSlots s, Span<double> results)
    {
        for (var k = 0; k < code.Length; k++)
        {
            var i = code[k];
            var t = k == code.Length - 1 && !results.IsEmpty ? results : s[i.Target];
            var a = s[i.A];
            var b = s[i.B];
            switch (i.Op)
            {
                case Op.Add:
                    Lanes.Run<Add>(a, b, t);
                    break;
                case Op.Subtract:
                    Lanes.Run<Subtract>(a, b, t);
                    break;
                case Op.Multiply:
                    Lanes.Run<Multiply>(a, b, t);
                    break;
                case Op.Divide:
                    Lanes.Run<Divide>(a, b, t);
                    break;
                case Op.Negate:
                    Lanes.Negate(a, t);
                    break;
                case Op.MultiplyAdd:
                    Lanes.Run<MultiplyAdd>(a, b, s[i.C], t);
                    break;
                case Op.MultiplySubtract:
                    Lanes.Run<MultiplySubtract>(a, b, s[i.C], t);
                    break;
                case Op.SubtractMultiply:
                    Lanes.Run<SubtractMultiply>(a, b, s[i.C], t);
                    break;
                case Op.Call1 when lanes[i.Function] is { } vector:
                    Lanes.Map(vector, unary[i.Function], a, t);
                    break;
                case Op.Call1:
                    var f = unary[i.Function];
                    for (var p = 0; p < t.Length; p++)
                    {
                        t[p] = f(a[p]);
                    }

                    break;
                default:
                    ExecuteOthers(i, t, a, b, s[i.C], s[i.D]);
                    break;
            }
        }
    }

    // the instructions that run point by point: pow, calls of several arguments, the strong-zero product
    private void ExecuteOthers(Instruction i, Span<double> t, Span<double> a, Span<double> b, Span<double> c, Span<double> d)
    {
        for (var k = 0; k < t.Length; k++)
        {
            t[k] = i.Op switch
            {
                Op.Pow => Math.Pow(a[k], b[k]),
                Op.Call2 => binary[i.Function](a[k], b[k]),
                Op.Call3 => ternary[i.Function](a[k], b[k], c[k]),
                Op.Call4 => quaternary[i.Function](a[k], b[k], c[k], d[k]),
                Op.TimesAdd => Calculus.StrongZero.Times(a[k], b[k]) + c[k],
                _ => Calculus.StrongZero.Times(a[k], b[k]),
            };
        }
    }

    // an element-wise operation, on lanes and on one point (the same rounding both ways)
    private interface ILane
    {
        static abstract Vector<double> Of(Vector<double> a, Vector<double> b, Vector<double> c);

        static abstract double Of(double a, double b, double c);
    }

    private readonly struct Add : ILane
    {
        public static Vector<double> Of(Vector<double> a, Vector<double> b, Vector<double> c) => a + b;

        public static double Of(double a, double b, double c) => a + b;
    }

    private readonly struct Subtract : ILane
    {
        public static Vector<double> Of(Vector<double> a, Vector<double> b, Vector<double> c) => a - b;

        public static double Of(double a, double b, double c) => a - b;
    }

    private readonly struct Multiply : ILane
    {
        public static Vector<double> Of(Vector<double> a, Vector<double> b, Vector<double> c) => a * b;

        public static double Of(double a, double b, double c) => a * b;
    }

    private readonly struct Divide : ILane
    {
        public static Vector<double> Of(Vector<double> a, Vector<double> b, Vector<double> c) => a / b;

        public static double Of(double a, double b, double c) => a / b;
    }

    private readonly struct MultiplyAdd : ILane
    {
        public static Vector<double> Of(Vector<double> a, Vector<double> b, Vector<double> c) => (a * b) + c;

        public static double Of(double a, double b, double c) => (a * b) + c;
    }

    private readonly struct MultiplySubtract : ILane
    {
        public static Vector<double> Of(Vector<double> a, Vector<double> b, Vector<double> c) => (a * b) - c;

        public static double Of(double a, double b, double c) => (a * b) - c;
    }

    private readonly struct SubtractMultiply : ILane
    {
        public static Vector<double> Of(Vector<double> a, Vector<double> b, Vector<double> c) => c - (a * b);

        public static double Of(double a, double b, double c) => c - (a * b);
    }

    // element-wise operations on Vector<double> lanes and a scalar tail; the target may be an operand (each
    // element is read before it is written)
    private static class Lanes
    {
        public static void Run<TLane>(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> t)
            where TLane : struct, ILane => Run<TLane>(a, b, b, t);

        public static void Run<TLane>(ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> c, Span<double> t)
            where TLane : struct, ILane
        {
            var va = V(a);
            var vb = V(b);
            var vc = V(c);
            var vt = V(t);
            for (var k = 0; k < vt.Length; k++)
            {
                vt[k] = TLane.Of(va[k], vb[k], vc[k]);
            }

            for (var k = vt.Length * Vector<double>.Count; k < t.Length; k++)
            {
                t[k] = TLane.Of(a[k], b[k], c[k]);
            }
        }

        public static void Negate(ReadOnlySpan<double> a, Span<double> t)
        {
            var va = V(a);
            var vt = V(t);
            for (var k = 0; k < vt.Length; k++)
            {
                vt[k] = -va[k];
            }

            for (var k = vt.Length * Vector<double>.Count; k < t.Length; k++)
            {
                t[k] = -a[k];
            }
        }

        // a row's lane-wise form over whole vectors, its scalar implementation over the tail
        public static void Map(Func<Vector<double>, Vector<double>> vector, Func<double, double> scalar, ReadOnlySpan<double> a, Span<double> t)
        {
            var va = V(a);
            var vt = V(t);
            for (var k = 0; k < vt.Length; k++)
            {
                vt[k] = vector(va[k]);
            }

            for (var k = vt.Length * Vector<double>.Count; k < t.Length; k++)
            {
                t[k] = scalar(a[k]);
            }
        }

        private static ReadOnlySpan<Vector<double>> V(ReadOnlySpan<double> span) => MemoryMarshal.Cast<double, Vector<double>>(span);

        private static Span<Vector<double>> V(Span<double> span) => MemoryMarshal.Cast<double, Vector<double>>(span);
    }
}
