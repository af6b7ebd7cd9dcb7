using System.Collections.Immutable;
using System.Linq.Expressions;
using Micrograd.Expressions.Calculus;
using Micrograd.Expressions.Syntax;
using L = System.Linq.Expressions.Expression;

namespace Micrograd.Expressions.Compilation;

internal static partial class Backpropagation
{
    // The graph under construction: forward statements, and per node its operands' local derivatives.
    // With trace, gradients flow into constants too, so a let-bound constant reports its gradient.
    private sealed partial class Tape(LinqCompiler compiler, bool trace, bool reroll = false)
    {
        // the nodes of the built-in constants (pi, e): drawn with their name, but not let-bound names
        public HashSet<int> BuiltinConstants { get; } = [];

        private readonly List<L> values = [];
        private readonly List<L?> adjoints = [];
        private readonly List<bool> constant = [];
        private readonly List<(int Node, int Operand, Func<L> Partial)> edges = [];
        private readonly Func<L> one = () => L.Constant(1.0);

        public LinqCompiler Compiler { get; } = compiler;

        // per node, the statement that computes its value (null for inputs and constants)
        private readonly List<L?> forward = [];

        public List<GraphNode> Nodes { get; } = [];

        public L Value(int node) => values[node];

        public L Adjoint(int node) => adjoints[node] ?? L.Constant(0.0);

        // each parameter's local, and where it is read from (just before its first use)
        public Dictionary<ParameterExpression, L> Inputs { get; } = [];

        /// <summary>The pooled arrays of rerolled runs, to return to the pool when the gradient is done.</summary>
        public List<ParameterExpression> Rented { get; } = [];

        public int Input(string name, L read)
        {
            var local = (ParameterExpression)Compiler.NewLocal(name);
            Inputs[local] = read;
            return Add(new GraphNode(name, "input", []), local, isConstant: false);
        }

        public int Lower(Expr e, ImmutableDictionary<string, int> scope)
        {
            Guards.Stack("compile");

            switch (e)
            {
                case Number n:
                    return Add(new GraphNode(null, "const", [], n.Value), L.Constant(n.Value), isConstant: true);
                case Variable v:
                    return scope.TryGetValue(v.Name, out var bound) ? bound
                        : throw Guards.UnknownName(v.Name);
                case Call { Function: { IsConstant: true } f }:
                    var builtin = Add(new GraphNode(f.Name, "const", [], f.ConstantValue), L.Constant(f.ConstantValue), isConstant: true);
                    BuiltinConstants.Add(builtin);
                    return builtin;
                case Sum s:
                    var sum = Apply(Lower(s.Terms[0], scope), Steps.Of(s).Rest, scope);
                    return Backpropagation.Cancels(s) ? Constant(sum) : sum;
                case Product p:
                    return LowerProduct(p, scope);
                case Power { Exponent: Number { Value: var k } } p when Steps.IsUnrolled(k):
                    return Unary($"**{NumberText.Format(k)}", Lower(p.Base, scope), u => Compiler.Lower(new Power(U, new Number(k)), Operands(u)),
                        (u, _) => () => Compiler.Lower(Differentiator.PowerPartial(0, U, new Number(k)), Operands(u)));
                case Power p:
                    // the pow row's partials, as the symbolic differentiator reads them; x**y in them is this node's value
                    return Binary("**", Lower(p.Base, scope), Lower(p.Exponent, scope), (a, b) => Compiler.Lower(new Power(U, V), Operands(a, b)),
                        (a, b, result) => (() => Compiler.Lower(Differentiator.PowerPartial(0, U, V), Operands(a, b)),
                                           () => Compiler.Lower(Reuse(Differentiator.PowerPartial(1, U, V), new Power(U, V), W), Operands(a, b).Add(W.Name, result))));
                case Call c:
                    return LowerCall(c, scope);
                case Let l:
                    foreach (var binding in l.Bindings)
                    {
                        var node = Lower(binding.Value, scope);
                        node = Nodes[node].Label is null ? Relabel(node, binding.Name) : Add(new GraphNode(binding.Name, "=", [node]), values[node], constant[node], [(node, one)]);
                        scope = scope.SetItem(binding.Name, node);
                    }

                    return Lower(l.Body, scope);
                default:
                    throw Guards.UnknownNode(e);
            }
        }

        // ((f0 * f1) / f2) ...: a leading -1 is a negation, a factor u**-1 after the first a division
        private int LowerProduct(Product p, ImmutableDictionary<string, int> scope)
        {
            var chain = Steps.Of(p);
            var acc = Lower(chain.First, scope);
            if (chain.Negate)
            {
                acc = Unary("neg", acc, u => L.Negate(u), (_, _) => () => L.Constant(-1.0));
            }

            return Apply(acc, chain.Rest, scope);
        }

        // acc op0 u0 op1 u1 ... left to right; in a large formula, long runs of one shape as one node each
        private int Apply(int acc, Steps.Step[] steps, ImmutableDictionary<string, int> scope)
        {
            var runs = reroll && steps.Length >= Reroll.MinRun ? Reroll.Find(steps) : [];
            var at = 0;
            foreach (var run in runs)
            {
                for (; at < run.Start; at++)
                {
                    acc = Step(acc, steps[at], scope);
                }

                acc = LowerRun(acc, run, scope);
                at = run.Start + run.Length;
            }

            for (; at < steps.Length; at++)
            {
                acc = Step(acc, steps[at], scope);
            }

            return acc;
        }

        private int Step(int acc, Steps.Step step, ImmutableDictionary<string, int> scope) => step.Op switch
        {
            ExpressionType.Add => Binary("+", acc, Lower(step.Operand, scope), (a, b) => L.Add(a, b), (a, b, _) => (one, one)),
            ExpressionType.Subtract => Binary("-", acc, Lower(step.Operand, scope), (a, b) => L.Subtract(a, b), (a, b, _) => (one, () => L.Constant(-1.0))),
            ExpressionType.Multiply => Binary("*", acc, Lower(step.Operand, scope), (a, b) => L.Multiply(a, b), (a, b, _) => (() => b, () => a)), // (a*b)' = a'*b + a*b'
            _ => Binary("/", acc, Lower(step.Operand, scope), (a, b) => L.Divide(a, b),
                (a, b, result) => (() => L.Divide(L.Constant(1.0), b), () => L.Negate(L.Divide(result, b)))),     // (a/b)' = a'/b - (a/b)*b'/b
        };

        // A rerolled run as one node over the accumulator and the names its terms read: Reroll.Gradient computes its
        // value and its derivatives by each of them into an array, which the node's edges read.
        private int LowerRun(int acc, Reroll.Run run, ImmutableDictionary<string, int> scope)
        {
            var operands = run.Names.Select(name => scope.TryGetValue(name, out var node) ? node
                : throw Guards.UnknownName(name)).ToArray();
            // the derivatives go into a pooled array, returned when the gradient is done (Rented), so a call allocates
            // nothing; the names' values are read from the point itself when they are all parameters
            var partials = Compiler.NewLocal("partials", typeof(double[]));
            Rented.Add(partials);
            var (inputs, indices) = Reroll.Inputs(run, [.. operands.Select(o => values[o] is ParameterExpression local && Inputs.TryGetValue(local, out var read) ? read : values[o])]);
            var value = L.Block(
                L.Assign(partials, L.Call(L.Constant(System.Buffers.ArrayPool<double>.Shared, typeof(System.Buffers.ArrayPool<double>)), typeof(System.Buffers.ArrayPool<double>).GetMethod(nameof(System.Buffers.ArrayPool<double>.Rent))!, L.Constant(operands.Length + 1))),
                L.Call(typeof(Reroll).GetMethod(nameof(Reroll.Gradient))!, values[acc], L.Constant(run.IsAdditive),
                    L.Constant(LinqCompiler.CompileBlock(run)), L.Constant(CompileBlockGradient(run)), L.Constant(run.Constants), L.Constant(run.ConstantCount),
                    inputs, L.Constant(indices), L.Constant(run.Indices), L.Constant(run.NameCount), L.Constant(run.Count), partials, L.Constant(operands.Length)));
            var edges = operands.Select((o, j) => (o, (Func<L>)(() => L.ArrayIndex(partials, L.Constant(j)))))
                .Prepend((acc, () => L.ArrayIndex(partials, L.Constant(operands.Length))));
            return Add(new GraphNode(null, "run", [acc, .. operands]), value, constant[acc] && operands.All(o => constant[o]), [.. edges]);
        }

        // a run's block and its reverse pass, compiled by a tape of its own: the accumulator and the names are its
        // inputs, the numbers constants; the sweep starts from the given adjoint, adds each name's gradient into
        // partials and stores the accumulator's in partials' last element
        private static Reroll.BlockGradient CompileBlockGradient(Reroll.Run run)
        {
            var acc = L.Parameter(typeof(double), "acc");
            var (constants, c, inputs, indices, v) = Reroll.BlockParameters();
            var adjoint = L.Parameter(typeof(double), "adjoint");
            var partials = L.Parameter(typeof(double[]), "partials");
            var positions = L.Parameter(typeof(int[]), "positions");
            var slots = Reroll.Slots(run, constants, c, inputs, indices, v).ToDictionary(StringComparer.Ordinal);
            var tape = new Tape(LinqCompiler.ForStatements(), trace: false);
            var start = tape.Input("#acc", acc);
            var scope = ImmutableDictionary<string, int>.Empty.WithComparers(StringComparer.Ordinal);
            for (var k = 0; k < run.NameCount; k++)
            {
                scope = scope.SetItem(Reroll.NameSlot(k), tape.Input(Reroll.NameSlot(k), slots[Reroll.NameSlot(k)]));
            }

            for (var k = 0; k < run.ConstantCount; k++)
            {
                var name = Reroll.ConstantSlot(k);
                scope = scope.SetItem(name, tape.Add(new GraphNode(name, "const", []), slots[name], isConstant: true));
            }

            var output = run.Block.Aggregate(start, (node, step) => tape.Step(node, step, scope));
            var statements = tape.Sweep(output, 1 + run.NameCount, adjoint, (k, g) => k == 0
                ? L.Assign(L.ArrayAccess(partials, L.Constant(run.Names.Count)), g)
                : L.AddAssign(L.ArrayAccess(partials, L.ArrayIndex(positions, L.Add(v, L.Constant(k - 1)))), g));
            statements.Add(tape.Value(output));
            return DelegateCompiler.Compile(L.Lambda<Reroll.BlockGradient>(Locals.Block(statements, tape.Compiler.Locals, tape.Inputs),
                "block_gradient", [acc, constants, c, inputs, indices, v, adjoint, partials, positions]));
        }

        // f(u, v)' = f_u*u' + f_v*v', each partial from the function table's template
        private int LowerCall(Call c, ImmutableDictionary<string, int> scope)
        {
            var operands = c.Arguments.Select(a => Lower(a, scope)).ToArray();
            var parameters = c.Function.ParameterNames;
            var bindings = ImmutableDictionary.CreateRange(StringComparer.Ordinal,
                parameters.Select((name, i) => KeyValuePair.Create(name, values[operands[i]])));
            var node = Add(new GraphNode(null, c.Function.Name, [.. operands]), c.Function.CallExpression(operands.Select(o => values[o])),
                operands.All(o => constant[o]),
                [.. operands.Select((o, i) => (o, (Func<L>)(() => Compiler.Lower(c.Function.Derivative(i), bindings))))]);
            return node;
        }

        private int Unary(string op, int u, Func<L, L> value, Func<L, L, Func<L>> partial)
        {
            var result = values.Count;
            return Add(new GraphNode(null, op, [u]), value(values[u]), constant[u], [(u, partial(values[u], PlaceholderFor(result)))]);
        }

        // the partials read the node's value as its local, or as the value itself where that is a constant or another
        // local (then the node has no local of its own: a power of constants, whose partials the trace reads)
        private int Binary(string op, int a, int b, Func<L, L, L> value, Func<L, L, L, (Func<L> A, Func<L> B)> partials)
        {
            var result = values.Count;
            var computed = value(values[a], values[b]);
            var (pa, pb) = partials(values[a], values[b], computed is ConstantExpression or ParameterExpression ? computed : PlaceholderFor(result));
            return Add(new GraphNode(null, op, [a, b]), computed, constant[a] && constant[b], [(a, pa), (b, pb)]);
        }

        // the local that will hold node `index`, created before its value is assigned so partials can use it
        private L PlaceholderFor(int index)
        {
            while (pending.Count <= index)
            {
                pending.Add(null);
            }

            return pending[index] ??= Compiler.NewLocal($"v{index}");
        }

        private readonly List<L?> pending = [];

        public int Add(GraphNode node, L value, bool isConstant, (int Operand, Func<L> Partial)[]? operandPartials = null)
        {
            var index = Nodes.Count;
            Nodes.Add(node);
            constant.Add(isConstant);
            adjoints.Add(null);
            var computed = value is ConstantExpression || value is ParameterExpression;
            values.Add(computed ? value : PlaceholderFor(index));
            forward.Add(computed ? null : L.Assign(values[index], value));
            foreach (var (operand, partial) in operandPartials ?? [])
            {
                if (!constant[operand] || trace)
                {
                    edges.Add((index, operand, partial));
                }
            }

            return index;
        }

        // u - u is 0 in real arithmetic: its value is still computed as written, but no gradient flows through
        // it, so an infinite slope inside u (sqrt at 0) cannot turn the gradient into inf - inf = NaN
        private int Constant(int node)
        {
            constant[node] = true;
            edges.RemoveAll(e => e.Node == node);
            return node;
        }

        private int Relabel(int node, string name)
        {
            Nodes[node] = Nodes[node] with { Label = name };
            return node;
        }

        private static ImmutableDictionary<string, L> Operands(L u) =>
            ImmutableDictionary<string, L>.Empty.Add(U.Name, u);

        private static ImmutableDictionary<string, L> Operands(L u, L v) =>
            ImmutableDictionary<string, L>.Empty.Add(U.Name, u).Add(V.Name, v);

        // the operands of a local derivative template, and the node's own value
        private static readonly Variable U = new("u");
        private static readonly Variable V = new("v");
        private static readonly Variable W = new("w");
    }
}
