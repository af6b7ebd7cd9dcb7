using System.Buffers;
using System.Collections.Immutable;
using Micrograd.Expressions.Calculus;
using Micrograd.Expressions.Syntax;
using ExpressionType = System.Linq.Expressions.ExpressionType;

namespace Micrograd.Expressions.Compilation;

// Reverse mode over the same program: the tree as a tape of nodes (as Backpropagation.Tape lowers it, with the local
// derivatives of the function table's templates), then the reverse sweep appended as more instructions, so one run
// of the scalar loop computes the value and every derivative. The outputs are the value, then each parameter's slope.
internal sealed partial class Program
{
    /// <summary>The value-and-gradient program of a core tree over <paramref name="parameterNames"/>.</summary>
    public static Program LowerGradient(Expr tree, IReadOnlyList<string> parameterNames) => LowerTape(tree, parameterNames, trace: false);

    /// <summary>
    /// The per-node trace program of a core tree (<c>Backpropagate</c>): the gradient program in which constants receive
    /// gradients too, as the compiled trace's; its outputs are the value, each parameter's slope, then every tape
    /// node's value and then every tape node's gradient, the nodes numbered as <c>Backpropagation</c>'s tape numbers them.
    /// </summary>
    public static Program LowerTrace(Expr tree, IReadOnlyList<string> parameterNames) => LowerTape(tree, parameterNames, trace: true);

    private static Program LowerTape(Expr tree, IReadOnlyList<string> parameterNames, bool trace)
    {
        var tape = new GradientTape(new Builder(parameterNames.Count), trace);
        var scope = ImmutableDictionary<string, int>.Empty.WithComparers(StringComparer.Ordinal);
        for (var i = 0; i < parameterNames.Count; i++)
        {
            scope = scope.SetItem(parameterNames[i], tape.Input(i));
        }

        var output = tape.Lower(tree, scope);
        var outputs = tape.Sweep(output, parameterNames.Count);
        return new Program(tape.Builder, trace ? [.. outputs, .. tape.Traced()] : outputs);
    }

    /// <summary>
    /// <c>Backpropagate</c>'s per-node trace without code generation: the compiled trace's tape
    /// (<see cref="Backpropagation.TraceTape"/>) run by the trace program, to the same bits.
    /// </summary>
    public static Backpropagation.Trace Trace(Expr tree, IReadOnlyList<string> parameterNames)
    {
        var (tape, builtins) = Backpropagation.TraceTape(tree, parameterNames);
        var program = LowerTrace(tree, parameterNames);
        return program.TraceNodes == tape.Count ? new Backpropagation.Trace(program.ToTraceFunction(), tape, builtins)
            : throw new InvalidOperationException($"the trace program has {program.TraceNodes} nodes, the tape {tape.Count}");
    }

    /// <summary>How many tape nodes a program of <see cref="LowerTrace"/> reports.</summary>
    internal int TraceNodes => (Outputs.Length - 1 - parameters) / 2;

    /// <summary>
    /// The program of <see cref="LowerTrace"/> as the trace's delegate: from the point, the gradient of each
    /// parameter, each node's value and gradient (arrays of <see cref="TraceNodes"/>), and the value.
    /// </summary>
    public Func<double[], double[], double[], double[], double> ToTraceFunction() => (point, gradient, nodeValues, nodeGrads) =>
    {
        var s = new double[slots];
        Run(point, s);
        for (var k = 0; k < parameters; k++)
        {
            gradient[k] = s[Outputs[k + 1]];
        }

        var (nodes, first) = (TraceNodes, 1 + parameters);
        for (var i = 0; i < nodes; i++)
        {
            nodeValues[i] = s[Outputs[first + i]];
            nodeGrads[i] = s[Outputs[first + nodes + i]];
        }

        return s[Outputs[0]];
    };

    /// <summary>The program of <see cref="LowerGradient"/> as the engine's gradient delegate.</summary>
    public GradientFunction ToGradientFunction() => (point, gradient) =>
    {
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(gradient);
        var rented = ArrayPool<double>.Shared.Rent(slots);
        try
        {
            var s = rented.AsSpan(0, slots);
            Run(point, s);
            for (var k = 0; k < parameters; k++)
            {
                gradient[k] = s[Outputs[k + 1]];
            }

            return s[Outputs[0]];
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    };

    // One node per operation, its value a slot of the builder, and per operand the local derivative as a slot made
    // on demand. Forward values are not folded (as the compiled tape's), local derivatives are (as its templates).
    // With trace, gradients flow into constants too (as the compiled trace's), so every node reports one.
    private sealed class GradientTape(Builder builder, bool trace)
    {
        private readonly List<int> values = [];
        private readonly List<bool> constant = [];
        private readonly List<bool> labelled = [];
        private readonly List<List<(int Operand, Func<int> Partial)>> edges = [];

        private static readonly Variable U = new("u");
        private static readonly Variable V = new("v");
        private static readonly Variable W = new("w");

        // each node's gradient slot, once the sweep has run
        private int?[]? gradients;

        public Builder Builder => builder;

        public int Input(int parameter) => Add(parameter, isConstant: false, isLabelled: true);

        public int Lower(Expr e, ImmutableDictionary<string, int> scope)
        {
            switch (e)
            {
                case Number n:
                    return Add(builder.Constant(n.Value), isConstant: true);
                case Variable v:
                    return scope.TryGetValue(v.Name, out var bound) ? bound
                        : throw new FormulaException(FormulaErrorKind.Name, $"unknown name `{v.Name}`");
                case Call { Function: { IsConstant: true } f }:
                    return Add(builder.Constant(f.ConstantValue), isConstant: true, isLabelled: true);
                case Sum s:
                    var sum = Apply(Lower(s.Terms[0], scope), Steps.Of(s).Rest, scope);
                    if (Backpropagation.Cancels(s))
                    {
                        // its terms cancel: the value as written, but no gradient flows through it
                        constant[sum] = true;
                        edges[sum].Clear();
                    }

                    return sum;
                case Product p:
                    var chain = Steps.Of(p);
                    var acc = Lower(chain.First, scope);
                    if (chain.Negate)
                    {
                        acc = Node(builder.Negate(values[acc], fold: false), [acc], [() => builder.Constant(-1.0)]);
                    }

                    return Apply(acc, chain.Rest, scope);
                case Power { Exponent: Number { Value: var k } } p when Steps.IsUnrolled(k):
                    var powered = Lower(p.Base, scope);
                    var u = values[powered];
                    return Node(builder.Unrolled(u, (int)k), [powered], [() => Template(Differentiator.PowerPartial(0, U, new Number(k)), (U, u))]);
                case Power p:
                    var (a, b) = (Lower(p.Base, scope), Lower(p.Exponent, scope));
                    var (va, vb) = (values[a], values[b]);
                    var result = builder.Binary2(Op.Pow, va, vb);
                    return Node(result, [a, b],
                    [
                        () => Template(Differentiator.PowerPartial(0, U, V), (U, va), (V, vb)),
                        () => Template(Backpropagation.Reuse(Differentiator.PowerPartial(1, U, V), new Power(U, V), W), (U, va), (V, vb), (W, result)),
                    ]);
                case Call c:
                    var operands = c.Arguments.Select(x => Lower(x, scope)).ToArray();
                    var arguments = operands.Select(o => values[o]).ToArray();
                    var names = c.Function.ParameterNames;
                    return Node(builder.Call(c.Function, arguments, fold: false), operands,
                        [.. operands.Select((_, i) => (Func<int>)(() => Template(c.Function.Derivative(i), [.. names.Select((name, j) => (new Variable(name), arguments[j]))])))]);
                case Let l:
                    foreach (var binding in l.Bindings)
                    {
                        var node = Lower(binding.Value, scope);
                        if (labelled[node])
                        {
                            // a name for a value that already has one: a node of its own, passing its gradient on
                            node = Add(values[node], constant[node], isLabelled: true, [(node, () => builder.Constant(1.0))]);
                        }

                        labelled[node] = true;
                        scope = scope.SetItem(binding.Name, node);
                    }

                    return Lower(l.Body, scope);
                default:
                    throw new InvalidOperationException($"unknown node {e.GetType().Name}");
            }
        }

        private int Apply(int acc, Steps.Step[] steps, ImmutableDictionary<string, int> scope)
        {
            foreach (var step in steps)
            {
                var operand = Lower(step.Operand, scope);
                var (a, b) = (values[acc], values[operand]);
                var result = builder.Step(step.Op, a, b, fold: false);
                acc = Node(result, [acc, operand], step.Op switch
                {
                    ExpressionType.Add => [() => builder.Constant(1.0), () => builder.Constant(1.0)],
                    ExpressionType.Subtract => [() => builder.Constant(1.0), () => builder.Constant(-1.0)],
                    ExpressionType.Multiply => [() => b, () => a],                                                  // (a*b)' = a'*b + a*b'
                    // (a/b)' = a'/b - (a/b)*b'/b, not folded (as the compiled sweep's)
                    _ => [() => builder.Binary2(Op.Divide, builder.Constant(1.0), b, fold: false), () => builder.Negate(builder.Binary2(Op.Divide, result, b, fold: false), fold: false)],
                });
            }

            return acc;
        }

        // a template over u, v, w (or a row's parameters) lowered with each name bound to a slot
        private int Template(Expr template, params (Variable Name, int Slot)[] bindings)
        {
            var scope = ImmutableDictionary<string, int>.Empty.WithComparers(StringComparer.Ordinal);
            foreach (var (name, slot) in bindings)
            {
                scope = scope.SetItem(name.Name, slot);
            }

            return builder.Lower(template, scope);
        }

        private int Node(int value, int[] operands, Func<int>[] partials) =>
            Add(value, operands.All(o => constant[o]), isLabelled: false, [.. operands.Select((o, i) => (o, partials[i]))]);

        private int Add(int value, bool isConstant, bool isLabelled = false, (int Operand, Func<int> Partial)[]? operandPartials = null)
        {
            values.Add(value);
            constant.Add(isConstant);
            labelled.Add(isLabelled);
            edges.Add([.. (operandPartials ?? []).Where(edge => trace || !constant[edge.Operand])]);
            return values.Count - 1;
        }

        /// <summary>After <see cref="Sweep"/>: every node's value slot, then every node's gradient slot (0 where none flows).</summary>
        public int[] Traced()
        {
            var zero = builder.Constant(0.0);
            return [.. values, .. (gradients ?? throw new InvalidOperationException("the sweep has not run")).Select(g => g ?? zero)];
        }

        /// <summary>
        /// The reverse sweep, appended to the program after every forward value: from the output's gradient 1, each
        /// node adds its gradient times each local derivative into its operand's (the first contribution assigned,
        /// the later ones added), in the order of the compiled sweep (<c>Backpropagation.Sweep</c>: a node as soon as
        /// its users are done and its derivatives can be read, depth first), so that a value used three times or
        /// more sums its contributions in the same order, to the same bits. Returns the value's slot and each
        /// input's gradient slot.
        /// </summary>
        public int[] Sweep(int output, int inputs)
        {
            var live = new bool[values.Count];
            var users = new int[values.Count];
            live[output] = true;
            for (var node = output; node >= 0; node--)
            {
                foreach (var (operand, _) in live[node] ? edges[node] : [])
                {
                    live[operand] = true;
                    users[operand]++;
                }
            }

            var fanout = (int[])users.Clone();
            var partials = edges.Select(e => new int?[e.Count]).ToArray();
            int Partial(int node, int k) => partials[node][k] ??= edges[node][k].Partial();
            var adjoints = gradients = new int?[values.Count];

            // a gradient held in a slot of its own (as the compiled sweep's local): a constant there is not folded into
            // the products it takes part in
            var held = new bool[values.Count];
            var done = new bool[values.Count];
            var computed = -1;
            bool Ready(int node) => !done[node] && live[node] && users[node] == 0
                && (node <= computed || Enumerable.Range(0, edges[node].Count).All(k => Builder.IsConstant(Partial(node, k))));

            void Backward(int start)
            {
                var work = new Stack<int>([start]);
                while (work.TryPop(out var node))
                {
                    done[node] = true;
                    var g = adjoints[node]!.Value;
                    for (var k = 0; k < edges[node].Count; k++)
                    {
                        var operand = edges[node][k].Operand;
                        var (contribution, opaque) = Scale(g, held[node], Partial(node, k));
                        if (adjoints[operand] is { } existing)
                        {
                            adjoints[operand] = builder.Emit(Op.Add, existing, contribution);
                        }
                        else
                        {
                            // used once, read where it is (a held gradient stays held); else in a slot of its own
                            adjoints[operand] = contribution;
                            held[operand] = Builder.IsConstant(contribution) && (fanout[operand] != 1 || opaque);
                        }

                        if (--users[operand] == 0 && Ready(operand))
                        {
                            work.Push(operand);
                        }
                    }
                }
            }

            adjoints[output] = builder.Constant(1.0);
            if (Ready(output))
            {
                Backward(output);
            }

            for (var node = 0; node < values.Count; node++)
            {
                computed = node;
                if (Ready(node))
                {
                    Backward(node);
                }
            }

            var zero = builder.Constant(0.0);
            return [values[output], .. Enumerable.Range(0, inputs).Select(i => adjoints[i] ?? zero)];
        }

        // g * partial, with the products the compiled sweep computes exactly done now: 1*u = u, -1*u = -u; a zero on
        // either side a strong zero (StrongZero.Times). A held gradient is not a constant there.
        private (int Slot, bool Held) Scale(int g, bool held, int partial)
        {
            bool Is(int slot, double value) => Builder.IsConstant(slot) && builder.ValueOf(slot) == value;
            var known = !held && Builder.IsConstant(g);
            return (g, partial) switch
            {
                _ when Is(partial, 1.0) => (g, held),
                _ when known && Is(g, 1.0) => (partial, false),
                _ when known && Builder.IsConstant(partial) => (builder.Constant(StrongZero.Times(builder.ValueOf(g), builder.ValueOf(partial))), false),
                _ when Is(partial, -1.0) => (builder.Emit(Op.Negate, g), false),
                _ when known && Is(g, -1.0) => (builder.Negate(partial, fold: false), false),
                _ => (builder.Emit(Op.Times, g, partial), false),
            };
        }
    }
}
