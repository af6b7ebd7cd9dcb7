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
                var n = Math.Min(Block, start + count - at);
                for (var k = 0; k < parameters; k++)
                {
                    columns[k].AsSpan(at, n).CopyTo(s.Slice(k * Block, n));
                }

                ExecuteBlock(s, n);
                s.Slice(Outputs[0] * Block, n).CopyTo(results.AsSpan(at, n));
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    private void ExecuteBlock(Span<double> s, int n)
    {
        foreach (ref readonly var i in code.AsSpan())
        {
            var t = s.Slice(i.Target * Block, n);
            var a = s.Slice(i.A * Block, n);
            var b = s.Slice(i.B * Block, n);
            switch (i.Op)
            {
                case Op.Add:
                    Lanes.Add(a, b, t);
                    break;
                case Op.Subtract:
                    Lanes.Subtract(a, b, t);
                    break;
                case Op.Multiply:
                    Lanes.Multiply(a, b, t);
                    break;
                case Op.Divide:
                    Lanes.Divide(a, b, t);
                    break;
                case Op.Negate:
                    Lanes.Negate(a, t);
                    break;
                case Op.Call1 when lanes[i.Function] is { } vector:
                    Lanes.Map(vector, unary[i.Function], a, t);
                    break;
                case Op.Call1:
                    var f = unary[i.Function];
                    for (var k = 0; k < t.Length; k++)
                    {
                        t[k] = f(a[k]);
                    }

                    break;
                default:
                    ExecuteOthers(i, s, t, a, b);
                    break;
            }
        }
    }

    // the instructions that run point by point: pow, calls of several arguments, the strong-zero product
    private void ExecuteOthers(Instruction i, Span<double> s, Span<double> t, Span<double> a, Span<double> b)
    {
        var c = s.Slice(i.C * Block, t.Length);
        var d = s.Slice(i.D * Block, t.Length);
        for (var k = 0; k < t.Length; k++)
        {
            t[k] = i.Op switch
            {
                Op.Pow => Math.Pow(a[k], b[k]),
                Op.Call2 => binary[i.Function](a[k], b[k]),
                Op.Call3 => ternary[i.Function](a[k], b[k], c[k]),
                Op.Call4 => quaternary[i.Function](a[k], b[k], c[k], d[k]),
                _ => Calculus.Chain.Times(a[k], b[k]),
            };
        }
    }

    // element-wise operations on Vector<double> lanes and a scalar tail; the target may be an operand (each
    // element is read before it is written)
    private static class Lanes
    {
        public static void Add(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> t)
        {
            var va = V(a);
            var vb = V(b);
            var vt = V(t);
            for (var k = 0; k < vt.Length; k++)
            {
                vt[k] = va[k] + vb[k];
            }

            for (var k = vt.Length * Vector<double>.Count; k < t.Length; k++)
            {
                t[k] = a[k] + b[k];
            }
        }

        public static void Subtract(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> t)
        {
            var va = V(a);
            var vb = V(b);
            var vt = V(t);
            for (var k = 0; k < vt.Length; k++)
            {
                vt[k] = va[k] - vb[k];
            }

            for (var k = vt.Length * Vector<double>.Count; k < t.Length; k++)
            {
                t[k] = a[k] - b[k];
            }
        }

        public static void Multiply(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> t)
        {
            var va = V(a);
            var vb = V(b);
            var vt = V(t);
            for (var k = 0; k < vt.Length; k++)
            {
                vt[k] = va[k] * vb[k];
            }

            for (var k = vt.Length * Vector<double>.Count; k < t.Length; k++)
            {
                t[k] = a[k] * b[k];
            }
        }

        public static void Divide(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> t)
        {
            var va = V(a);
            var vb = V(b);
            var vt = V(t);
            for (var k = 0; k < vt.Length; k++)
            {
                vt[k] = va[k] / vb[k];
            }

            for (var k = vt.Length * Vector<double>.Count; k < t.Length; k++)
            {
                t[k] = a[k] / b[k];
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
