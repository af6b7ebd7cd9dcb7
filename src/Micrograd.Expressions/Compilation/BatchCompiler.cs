using System.Collections.Immutable;
using System.Linq.Expressions;
using System.Numerics;
using System.Runtime.CompilerServices;
using Micrograd.Expressions.Syntax;
using L = System.Linq.Expressions.Expression;

namespace Micrograd.Expressions.Compilation;

/// <summary>
/// Compiles a formula into one loop over columns of inputs, inside one expression tree: no delegate call
/// per point. When every operation has an exact lane-wise form (+, -, *, /, integer powers, sqrt, abs) the
/// loop runs on <see cref="Vector{T}"/> lanes with a scalar tail; otherwise the whole loop is scalar.
/// Either way each point gets the same bits as <see cref="Formula.Evaluate(double[])"/>.
/// </summary>
internal static class BatchCompiler
{
    /// <summary>(columns, results, start, count): results[i] = f(columns[0][i], columns[1][i], ...) for i in [start, start + count).</summary>
    public delegate void Kernel(double[][] columns, double[] results, int start, int count);

    // past this many parameters the loop would need more IL locals than a method may have
    private const int MaxLoopParameters = 4096;

    /// <summary>
    /// The one-loop kernel, or, where the formula is too large for one method (too many parameters, or the
    /// runtime rejects the method), a loop that calls the scalar delegate per point: the same bits, slower.
    /// </summary>
    public static Kernel CompileOrFallBack(Expr tree, IReadOnlyList<string> parameters, Func<Func<double[], double>> scalar)
    {
        // a large formula's loop body would be one method too large for the JIT to optimize: the points go through
        // the scalar delegate, which the one splitter has cut into methods (Locals.Block)
        if (parameters.Count <= MaxLoopParameters && !LinqCompiler.IsLarge(tree))
        {
            try
            {
                return Compile(tree, parameters, out _);
            }
            catch (InvalidProgramException)
            {
            }
        }

        var f = scalar();
        var width = parameters.Count;
        return (columns, results, start, count) =>
        {
            var point = new double[width];
            for (var i = start; i < start + count; i++)
            {
                for (var k = 0; k < width; k++)
                {
                    point[k] = columns[k][i];
                }

                results[i] = f(point);
            }
        };
    }

    public static Kernel Compile(Expr tree, IReadOnlyList<string> parameters, out bool vectorized)
    {
        var columns = L.Parameter(typeof(double[][]), "columns");
        var results = L.Parameter(typeof(double[]), "results");
        var start = L.Parameter(typeof(int), "start");
        var count = L.Parameter(typeof(int), "count");
        var i = L.Variable(typeof(int), "i");
        var end = L.Variable(typeof(int), "end");
        var columnLocals = parameters.Select(p => L.Variable(typeof(double[]), "column_" + p)).ToList();
        var statements = new List<L>
        {
            L.Assign(i, start),
            L.Assign(end, L.Add(start, count)),
        };
        statements.AddRange(columnLocals.Select((c, k) => L.Assign(c, L.ArrayIndex(columns, L.Constant(k)))));

        var locals = new List<ParameterExpression> { i, end };
        locals.AddRange(columnLocals);
        // Vector<double> lanes need compiled code: System.Linq.Expressions' interpreter, all there is without dynamic
        // code (NativeAOT, iOS, WebAssembly), finds no Vector<T> operators, so there the loop is scalar
        vectorized = RuntimeFeature.IsDynamicCodeSupported && Vectorizable(tree) && Vector.IsHardwareAccelerated;
        if (vectorized)
        {
            statements.Add(VectorLoop(tree, parameters, columnLocals, results, i, end, locals));
        }

        statements.Add(ScalarLoop(tree, parameters, columnLocals, results, i, end, locals));
        var body = L.Block(typeof(void), locals, statements);
        // Expression.Compile, not FastExpressionCompiler: FastExpressionCompiler 6.0.0 returns a delegate for this loop
        // that throws NullReferenceException when run; a loop is compiled once per formula, so its cost is amortized
        return (Kernel)DelegateCompiler.CompileWithLinq(L.Lambda<Kernel>(body, "batch", [columns, results, start, count]), preferInterpretation: false);
    }

    // while (i + width <= end) { lanes of each column; results[i..i+width] = f(lanes); i += width; }
    private static L VectorLoop(Expr tree, IReadOnlyList<string> parameters, List<ParameterExpression> columns,
        ParameterExpression results, ParameterExpression i, ParameterExpression end, List<ParameterExpression> locals)
    {
        var compiler = LinqCompiler.ForVectors();
        var ctor = typeof(Vector<double>).GetConstructor([typeof(double[]), typeof(int)])!;
        var lanes = parameters.Select(p => L.Variable(typeof(Vector<double>), "lanes_" + p)).ToList();
        var scope = ImmutableDictionary.CreateRange(StringComparer.Ordinal, parameters.Select((p, k) => KeyValuePair.Create(p, (L)lanes[k])));
        var value = compiler.Lower(tree, scope);
        var width = Vector<double>.Count;
        var exit = L.Label("vectors_done");
        var iteration = new List<L>();
        iteration.AddRange(lanes.Select((lane, k) => L.Assign(lane, L.New(ctor, columns[k], i))));
        iteration.Add(L.Call(value, typeof(Vector<double>).GetMethod(nameof(Vector<double>.CopyTo), [typeof(double[]), typeof(int)])!, results, i));
        iteration.Add(L.AddAssign(i, L.Constant(width)));
        locals.AddRange(lanes);
        locals.AddRange(compiler.Locals);
        return L.Block(compiler.Prologue.Append(L.Loop(
            L.IfThenElse(L.LessThanOrEqual(L.Add(i, L.Constant(width)), end), L.Block(iteration), L.Break(exit)),
            exit)));
    }

    // while (i < end) { results[i] = f(columns[0][i], ...); i++; }
    private static L ScalarLoop(Expr tree, IReadOnlyList<string> parameters, List<ParameterExpression> columns,
        ParameterExpression results, ParameterExpression i, ParameterExpression end, List<ParameterExpression> locals)
    {
        var compiler = LinqCompiler.ForScalars();
        var values = parameters.Select(p => L.Variable(typeof(double), "value_" + p)).ToList();
        var scope = ImmutableDictionary.CreateRange(StringComparer.Ordinal, parameters.Select((p, k) => KeyValuePair.Create(p, (L)values[k])));
        var value = compiler.Lower(tree, scope);
        var exit = L.Label("scalars_done");
        var iteration = new List<L>();
        iteration.AddRange(values.Select((v, k) => L.Assign(v, L.ArrayIndex(columns[k], i))));
        iteration.Add(L.Assign(L.ArrayAccess(results, i), value));
        iteration.Add(L.PostIncrementAssign(i));
        locals.AddRange(values);
        locals.AddRange(compiler.Locals);
        return L.Block(
            compiler.Prologue.Append(L.Loop(L.IfThenElse(L.LessThan(i, end), L.Block(iteration), L.Break(exit)), exit)));
    }

    // every operation has a lane-wise form that rounds exactly as the scalar one
    private static bool Vectorizable(Expr tree)
    {
        var stack = new Stack<Expr>([tree]);
        while (stack.Count > 0)
        {
            var e = stack.Pop();
            switch (e)
            {
                case Power { Exponent: Number { Value: var k } } when Steps.IsUnrolled(k):
                    break;
                case Power:
                    return false;
                case Call { Function: { IsConstant: false, VectorMethod: null } }:
                    return false;
                case Let l:
                    l.Bindings.ToList().ForEach(b => stack.Push(b.Value));
                    stack.Push(l.Body);
                    continue;
            }

            foreach (var child in Nodes.Children(e))
            {
                stack.Push(child);
            }
        }

        return true;
    }
}
