using Micrograd.Expressions.Calculus;
using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions.Autograd;

// micrograd's backward(): the graph in topological order without recursion, and each value's local derivatives.
public sealed partial class Value
{
    /// <summary>
    /// micrograd's <c>backward()</c>: orders the graph topologically, sets this value's gradient to 1 and, from the
    /// output back to the leaves, adds each value's gradient times its local derivative into its children's
    /// gradients (<c>+=</c>: gradients accumulate; zero them between steps).
    /// </summary>
    public void Backward()
    {
        // the order lives in a buffer kept per thread: a graph of a million values would otherwise allocate
        // large arrays on every call, and those cost full collections
        var count = Topological(ref orderBuffer);
        var order = orderBuffer!;
        Grad = 1;
        for (var i = count - 1; i >= 0; i--)
        {
            order[i].Propagate();
        }

        Array.Clear(order, 0, count);
    }

    /// <summary>Every value of the graph, children before parents, each once; this value last.</summary>
    /// <returns>The values in topological order.</returns>
    public IReadOnlyList<Value> Graph()
    {
        Value[]? order = null;
        var count = Topological(ref order);
        return new ArraySegment<Value>(order!, 0, count);
    }


    // this value's gradient times its local derivatives, into its children
    private void Propagate()
    {
        var g = Grad;
        switch (Kind)
        {
            case ValueOp.Add:
                a!.Grad += g;
                b!.Grad += g;
                break;
            case ValueOp.Multiply:
                a!.Grad += b!.Data * g;
                b.Grad += a.Data * g;
                break;
            case ValueOp.Power:
                a!.Grad += exponent * Power(a.Data, exponent - 1) * g;
                break;
            case ValueOp.Tanh:
                a!.Grad += Slopes.Tanh(a.Data) * g;
                break;
            case ValueOp.Exp:
                a!.Grad += Slopes.Exp(a.Data) * g;
                break;
            case ValueOp.Log:
                a!.Grad += Slopes.Log(a.Data) * g;
                break;
            case ValueOp.Relu:
                a!.Grad += ReluSlope(a.Data) * g;
                break;
            case ValueOp.Sigmoid:
                a!.Grad += Slopes.Sigmoid(a.Data) * g;
                break;
            case ValueOp.Dot:
                terms![0].Grad += g;
                for (var i = 1; i < terms.Length; i += 2)
                {
                    var (w, x) = (terms[i], terms[i + 1]);
                    w.Grad += x.Data * g;
                    x.Grad += w.Data * g;
                }

                break;
        }
    }

    /// <summary>relu's local derivative at a number (0 at the kink, NaN at NaN): the relu row's derivative.</summary>
    internal static double ReluSlope(double x) => Slopes.Relu(x);

    // Each function's local derivative is its row's derivative template (Differentiator.Partial, the one reader of
    // the rows' derivatives), compiled once: the same operations as the formula's derivative, so the same bits.
    // (A power's slope, exponent * x**(exponent - 1), is the pow row's template with the exponent a number, which
    // Power computes as the engine does: one compiled template per exponent would buy nothing.)
    private static class Slopes
    {
        public static readonly Func<double, double> Tanh = Of("tanh");
        public static readonly Func<double, double> Exp = Of("exp");
        public static readonly Func<double, double> Log = Of("log");
        public static readonly Func<double, double> Relu = Of("relu");
        public static readonly Func<double, double> Sigmoid = Of("sigmoid");

        private static Func<double, double> Of(string function)
        {
            var derivative = Differentiator.Partial(Function.Named(function), 0, [new Variable("x")]);
            return Formula.FromTree(derivative, ["x"]).Compile<Func<double, double>>();
        }
    }

    private static int epochs;

    [ThreadStatic]
    private static Value[]? orderBuffer;

    [ThreadStatic]
    private static Value[]? stackBuffer;

    [ThreadStatic]
    private static int[]? cursorBuffer;

    // the child of this value after the first `from` ones, or null
    private Value? Child(int from) => terms is not null
        ? (from < terms.Length ? terms[from] : null)
        : from switch { 0 => a, 1 => b, _ => null };

    // Iterative depth-first search into `order`, children before parents; returns how many. A value is marked
    // with this search's number when first reached (2·epoch) and when its children are done (2·epoch + 1); each
    // stack entry keeps how many of its children were looked at. No visited set, no recursion, and plain
    // arrays (kept per thread).
    private int Topological(ref Value[]? order)
    {
        var entered = 2 * Interlocked.Increment(ref epochs);
        var done = entered + 1;
        order ??= new Value[256];
        var stack = stackBuffer ??= new Value[256];
        var cursor = cursorBuffer ??= new int[256];
        var top = 0;
        var count = 0;
        visited = entered;
        stack[top] = this;
        cursor[top++] = 0;
        while (top > 0)
        {
            var node = stack[top - 1];
            var next = node.Child(cursor[top - 1]++);
            if (next is not null)
            {
                if (next.visited == entered || next.visited == done)
                {
                    continue;
                }

                next.visited = entered;
                if (top == stack.Length)
                {
                    Array.Resize(ref stack, stack.Length * 2);
                    Array.Resize(ref cursor, cursor.Length * 2);
                    (stackBuffer, cursorBuffer) = (stack, cursor);
                }

                stack[top] = next;
                cursor[top++] = 0;
                continue;
            }

            stack[--top] = null!;
            node.visited = done;
            if (count == order.Length)
            {
                Array.Resize(ref order, order.Length * 2);
            }

            order[count++] = node;
        }

        return count;
    }
}
