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
                    Lanes.Run<Add>(a, IsConstantSlot(i.A), b, IsConstantSlot(i.B), t);
                    break;
                case Op.Subtract:
                    Lanes.Run<Subtract>(a, IsConstantSlot(i.A), b, IsConstantSlot(i.B), t);
                    break;
                case Op.Multiply:
                    Lanes.Run<Multiply>(a, IsConstantSlot(i.A), b, IsConstantSlot(i.B), t);
                    break;
                case Op.Divide:
                    Lanes.Run<Divide>(a, IsConstantSlot(i.A), b, IsConstantSlot(i.B), t);
                    break;
                case Op.Negate:
                    Lanes.Negate(a, t);
                    break;
                case Op.MultiplyAdd:
                    Lanes.Run<MultiplyAdd>(a, IsConstantSlot(i.A), b, IsConstantSlot(i.B), s[i.C], IsConstantSlot(i.C), t);
                    break;
                case Op.MultiplySubtract:
                    Lanes.Run<MultiplySubtract>(a, IsConstantSlot(i.A), b, IsConstantSlot(i.B), s[i.C], IsConstantSlot(i.C), t);
                    break;
                case Op.SubtractMultiply:
                    Lanes.Run<SubtractMultiply>(a, IsConstantSlot(i.A), b, IsConstantSlot(i.B), s[i.C], IsConstantSlot(i.C), t);
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

    // a constant's slot: its block is filled with the one value, which the lanes broadcast instead of reading
    private bool IsConstantSlot(int slot) => (uint)(slot - parameters) < (uint)constants.Length;

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

    // how a lane reads an operand: its block's lanes, or the one value of a constant
    private interface IOperand
    {
        static abstract Vector<double> Lane(ReadOnlySpan<Vector<double>> block, int k, Vector<double> value);
    }

    private readonly struct Column : IOperand
    {
        public static Vector<double> Lane(ReadOnlySpan<Vector<double>> block, int k, Vector<double> value) => block[k];
    }

    private readonly struct Broadcast : IOperand
    {
        public static Vector<double> Lane(ReadOnlySpan<Vector<double>> block, int k, Vector<double> value) => value;
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
        // with a constant operand (a flag true; its span is the constant's filled block) the loop broadcasts its value
        // instead of reading the block: one load a lane fewer, as compiled code's constant in a register
        public static void Run<TLane>(ReadOnlySpan<double> a, bool constantA, ReadOnlySpan<double> b, bool constantB, Span<double> t)
            where TLane : struct, ILane => Run<TLane>(a, constantA, b, constantB, b, constantB, t);

        public static void Run<TLane>(ReadOnlySpan<double> a, bool constantA, ReadOnlySpan<double> b, bool constantB, ReadOnlySpan<double> c, bool constantC, Span<double> t)
            where TLane : struct, ILane
        {
            switch (constantA, constantB, constantC)
            {
                case (true, false, false):
                    Run<TLane, Broadcast, Column, Column>(a, b, c, t);
                    break;
                case (false, true, false):
                    Run<TLane, Column, Broadcast, Column>(a, b, c, t);
                    break;
                case (false, false, true):
                    Run<TLane, Column, Column, Broadcast>(a, b, c, t);
                    break;
                case (true, false, true):
                    Run<TLane, Broadcast, Column, Broadcast>(a, b, c, t);
                    break;
                case (false, true, true):
                    Run<TLane, Column, Broadcast, Broadcast>(a, b, c, t);
                    break;
                default:
                    // no constant, or only constants (a gradient's unfolded operations): every block read
                    Run<TLane, Column, Column, Column>(a, b, c, t);
                    break;
            }
        }

        private static void Run<TLane, TA, TB, TC>(ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> c, Span<double> t)
            where TLane : struct, ILane
            where TA : struct, IOperand
            where TB : struct, IOperand
            where TC : struct, IOperand
        {
            var va = V(a);
            var vb = V(b);
            var vc = V(c);
            var vt = V(t);
            var (ka, kb, kc) = (new Vector<double>(a[0]), new Vector<double>(b[0]), new Vector<double>(c[0]));
            for (var k = 0; k < vt.Length; k++)
            {
                vt[k] = TLane.Of(TA.Lane(va, k, ka), TB.Lane(vb, k, kb), TC.Lane(vc, k, kc));
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
