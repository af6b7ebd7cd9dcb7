using System.Collections.Immutable;
using System.Linq.Expressions;
using Micrograd.Expressions.Compilation;
using L = System.Linq.Expressions.Expression;

namespace Micrograd.Expressions.Calculus;

/// <summary>
/// Reverse-mode differentiation compiled to LINQ: the tree becomes a tape of binary operations (as
/// micrograd's <c>Value</c> graph), every value a local; the reverse sweep adds each node's gradient times
/// its local derivative into its operands' gradients (<c>+=</c>, so a value used twice collects both),
/// woven into the forward sweep so that each node's step runs as early as it can.
/// Function derivatives come from the function table's templates.
/// </summary>
public static partial class Backpropagation
{
    /// <summary>Compiles the value-and-gradient function of a formula.</summary>
    /// <param name="formula">The formula.</param>
    /// <returns>A delegate that is safe to call from many threads.</returns>
    public static GradientFunction Compile(Formula formula)
    {
        ArgumentNullException.ThrowIfNull(formula);
        var (lambda, _, _) = Build(formula, trace: false);
        return (GradientFunction)DelegateCompiler.Compile(lambda);
    }

    /// <summary>The lambda <see cref="Compile"/> compiles, for tests that compile it with each compiler.</summary>
    internal static LambdaExpression GradientLambda(Formula formula) => Build(formula, trace: false).Lambda;

    /// <summary>One forward and backward pass that reports every node, for tables and graph pictures.</summary>
    /// <param name="formula">The formula.</param>
    /// <param name="values">A value for every parameter.</param>
    /// <returns>The value, the gradient, and the value and gradient of every node.</returns>
    public static BackpropResult Run(Formula formula, IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(formula);
        ArgumentNullException.ThrowIfNull(values);
        var point = formula.Parameters.Select(p => values.TryGetValue(p, out var v) ? v
            : throw new FormulaException(FormulaErrorKind.Name, $"no value for parameter `{p}`")).ToArray();
        var unknown = values.Keys.FirstOrDefault(k => !formula.Parameters.Contains(k));
        if (unknown is not null)
        {
            throw new FormulaException(FormulaErrorKind.Name, $"unknown parameter `{unknown}`; the parameters are {string.Join(", ", formula.Parameters)}");
        }

        var (lambda, tape, builtins) = Build(formula, trace: true);
        var run = (Func<double[], double[], double[], double[], double>)lambda.Compile(preferInterpretation: tape.Count > 2000);
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

        var byName = formula.Parameters.Select((p, i) => KeyValuePair.Create(p, gradient[i])).ToDictionary(StringComparer.Ordinal);
        return new BackpropResult(value, byName, nodes, tape, nodeValues, nodeGrads);
    }

    private static (LambdaExpression Lambda, IReadOnlyList<GraphNode> Tape, HashSet<int> Builtins) Build(Formula formula, bool trace)
    {
        var point = L.Parameter(typeof(double[]), "point");
        var gradient = L.Parameter(typeof(double[]), "gradient");
        // a large formula has its long runs of repeated shapes rerolled (Reroll); the per-node trace never does
        var reroll = !trace && Reroll.Applies(formula.Core, formula.Options.RerollNodes);
        var tape = new Tape(LinqCompiler.ForStatements(), trace, reroll);
        var scope = ImmutableDictionary<string, int>.Empty.WithComparers(StringComparer.Ordinal);
        foreach (var (name, i) in formula.Parameters.Select((p, i) => (p, i)))
        {
            scope = scope.SetItem(name, tape.Input(name, L.ArrayIndex(point, L.Constant(i))));
        }

        var output = tape.Lower(formula.Core, scope);
        var statements = tape.Sweep(output, formula.Parameters.Count, L.Constant(1.0), (input, g) => L.Assign(L.ArrayAccess(gradient, L.Constant(input)), g));

        if (!trace)
        {
            statements.AddRange(tape.Rented.Select(array =>
                L.Call(L.Constant(System.Buffers.ArrayPool<double>.Shared, typeof(System.Buffers.ArrayPool<double>)), nameof(System.Buffers.ArrayPool<double>.Return), null, array, L.Constant(false))));
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
