using System.Collections.Immutable;
using System.Linq.Expressions;
using Micrograd.Expressions.Calculus;
using Micrograd.Expressions.Syntax;
using L = System.Linq.Expressions.Expression;

namespace Micrograd.Expressions.Compilation;

/// <summary>
/// Reverse-mode differentiation compiled to LINQ: the tree becomes a tape of binary operations (as
/// micrograd's <c>Value</c> graph), every value a local; the reverse sweep adds each node's gradient times
/// its local derivative into its operands' gradients (<c>+=</c>, so a value used twice collects both),
/// woven into the forward sweep so that each node's step runs as early as it can.
/// Function derivatives come from the function table's templates.
/// </summary>
internal static partial class Backpropagation
{
    /// <summary>Compiles the value-and-gradient function of a tree over <paramref name="parameters"/>.</summary>
    /// <param name="tree">The core tree (local functions written out).</param>
    /// <param name="parameters">The parameters in call order: the gradient's order.</param>
    /// <param name="rerollNodes">Above this many nodes, long runs of one shape compile as loops (<see cref="FormulaOptions.RerollNodes"/>).</param>
    /// <returns>A delegate that is safe to call from many threads.</returns>
    public static GradientFunction Compile(Expr tree, IReadOnlyList<string> parameters, int rerollNodes) =>
        (GradientFunction)DelegateCompiler.Compile(GradientLambda(tree, parameters, rerollNodes));

    /// <summary>The lambda <see cref="Compile"/> compiles, for tests that compile it with each compiler.</summary>
    public static LambdaExpression GradientLambda(Expr tree, IReadOnlyList<string> parameters, int rerollNodes) =>
        Assemble(tree, parameters, trace: false, Reroll.Applies(tree, rerollNodes)).Lambda;

    /// <summary>The per-node trace of a tree, compiled once: its delegate, its tape, and which tape nodes are built-in constants.</summary>
    public sealed record Trace(Func<double[], double[], double[], double[], double> Run, IReadOnlyList<GraphNode> Tape, HashSet<int> Builtins);

    /// <summary>Compiles the per-node trace of <paramref name="tree"/> (interpreted past 2,000 tape nodes, where compiling costs more than it saves).</summary>
    /// <param name="tree">The core tree.</param>
    /// <param name="parameters">The parameters in call order.</param>
    /// <returns>The trace, to run at any number of points.</returns>
    public static Trace CompileTrace(Expr tree, IReadOnlyList<string> parameters)
    {
        var (lambda, tape, builtins) = Assemble(tree, parameters, trace: true, reroll: false);
        var run = (Func<double[], double[], double[], double[], double>)DelegateCompiler.CompileWithLinq(lambda, preferInterpretation: tape.Count > 2000);
        return new Trace(run, tape, builtins);
    }

    /// <summary>The tape of the per-node trace and which of its nodes are built-in constants, for a trace that runs it without compiling.</summary>
    /// <param name="tree">The core tree.</param>
    /// <param name="parameters">The parameters in call order.</param>
    public static (IReadOnlyList<GraphNode> Tape, HashSet<int> Builtins) TraceTape(Expr tree, IReadOnlyList<string> parameters)
    {
        var (_, tape, builtins) = Assemble(tree, parameters, trace: true, reroll: false);
        return (tape, builtins);
    }

    /// <summary>One forward and backward pass that reports every node, for tables and graph pictures.</summary>
    /// <param name="trace">The compiled trace (<see cref="CompileTrace"/>).</param>
    /// <param name="parameters">The parameters in call order.</param>
    /// <param name="point">A value for every parameter, in order (<see cref="Syntax.Arguments.Bind"/>).</param>
    /// <returns>The value, the gradient, and the value and gradient of every node.</returns>
    public static BackpropResult Run(Trace trace, IReadOnlyList<string> parameters, double[] point)
    {
        var (run, tape, builtins) = trace;
        var gradient = new double[point.Length];
        var nodeValues = new double[tape.Count];
        var nodeGrads = new double[tape.Count];
        var value = run(point, gradient, nodeValues, nodeGrads);

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var nodes = new List<NodeGradient>();
        for (var i = 0; i < tape.Count; i++)
        {
            if (tape[i].Label is { } label && !builtins.Contains(i))
            {
                var count = seen[label] = seen.GetValueOrDefault(label) + 1;
                nodes.Add(new NodeGradient(count == 1 ? label : $"{label}#{count}", nodeValues[i], nodeGrads[i]));
            }
        }

        var byName = parameters.Select((p, i) => KeyValuePair.Create(p, gradient[i])).ToDictionary(StringComparer.Ordinal);
        return new BackpropResult(value, byName, nodes, tape, nodeValues, nodeGrads);
    }

    // the terms of the sum cancel in pairs (u - u is 0 in real arithmetic: no gradient flows through it): each term has an equal term of the opposite sign
    internal static bool Cancels(Sum s)
    {
        // as many negated terms as others, or they cannot pair up (and the table below is not needed)
        if (2 * s.Terms.Count(Steps.IsSubtraction) != s.Terms.Length)
        {
            return false;
        }

        var balance = new Dictionary<Expr, int>();
        foreach (var term in s.Terms)
        {
            var (expr, sign) = Steps.IsSubtraction(term, out var subtrahend) ? (subtrahend, -1) : (term, 1);
            balance[expr] = balance.GetValueOrDefault(expr) + sign;
        }

        return balance.Values.All(b => b == 0);
    }

    // a factor of a product equal to `known` read as `name` instead (a value the tape already has)
    internal static Expr Reuse(Expr e, Expr known, Variable name) => e switch
    {
        _ when e.Equals(known) => name,
        Product p => new Product([.. p.Factors.Select(f => f.Equals(known) ? name : f)]),
        _ => e,
    };

    // the per-node trace never rerolls: it reports every node
    private static (LambdaExpression Lambda, IReadOnlyList<GraphNode> Tape, HashSet<int> Builtins) Assemble(Expr tree, IReadOnlyList<string> parameters, bool trace, bool reroll)
    {
        var point = L.Parameter(typeof(double[]), "point");
        var gradient = L.Parameter(typeof(double[]), "gradient");
        var tape = new Tape(LinqCompiler.ForStatements(), trace, reroll);
        var scope = ImmutableDictionary<string, int>.Empty.WithComparers(StringComparer.Ordinal);
        foreach (var (name, i) in parameters.Select((p, i) => (p, i)))
        {
            scope = scope.SetItem(name, tape.Input(name, L.ArrayIndex(point, L.Constant(i))));
        }

        var output = tape.Lower(tree, scope);
        var statements = tape.Sweep(output, parameters.Count, L.Constant(1.0), (input, g) => L.Assign(L.ArrayAccess(gradient, L.Constant(input)), g));

        if (!trace)
        {
            statements.AddRange(tape.Rented.Select(array =>
                L.Call(L.Constant(System.Buffers.ArrayPool<double>.Shared, typeof(System.Buffers.ArrayPool<double>)), typeof(System.Buffers.ArrayPool<double>).GetMethod(nameof(System.Buffers.ArrayPool<double>.Return))!, array, L.Constant(false))));
            statements.Add(tape.Value(output));
            return (L.Lambda<GradientFunction>(Locals.Block(statements, tape.Compiler.Locals, tape.Inputs, [point, gradient]), "gradient", [point, gradient]), tape.Nodes, tape.BuiltinConstants);
        }

        var values = L.Parameter(typeof(double[]), "values");
        var grads = L.Parameter(typeof(double[]), "grads");
        for (var i = 0; i < tape.Nodes.Count; i++)
        {
            statements.Add(L.Assign(L.ArrayAccess(values, L.Constant(i)), tape.Value(i)));
            statements.Add(L.Assign(L.ArrayAccess(grads, L.Constant(i)), tape.Adjoint(i)));
        }

        statements.Add(tape.Value(output));
        var lambda = L.Lambda<Func<double[], double[], double[], double[], double>>(Locals.Block(statements, tape.Compiler.Locals, tape.Inputs), "trace", [point, gradient, values, grads]);
        return (lambda, tape.Nodes, tape.BuiltinConstants);
    }
}
