using System.Collections.Immutable;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Micrograd.Expressions.Compilation;
using Micrograd.Expressions.Syntax;
using L = System.Linq.Expressions.Expression;

namespace Micrograd.Expressions.Calculus;

/// <summary>
/// Computes a formula's value and fills its gradient in one call: the forward sweep and the reverse sweep
/// of reverse-mode differentiation, compiled together. It allocates nothing per call (unless more than
/// 8,192 values must be kept at once, as in the reverse sweep of a product of thousands of factors: they
/// then live in one array).
/// </summary>
/// <param name="point">One value per parameter, in parameter order.</param>
/// <param name="gradient">Receives d(formula)/d(parameter) for every parameter, in parameter order.</param>
/// <returns>The formula's value.</returns>
public delegate double GradientFunction(double[] point, double[] gradient);

/// <summary>One value of the computation graph: an input, a let-bound name, or an intermediate operation.</summary>
/// <param name="Label">The parameter or binding name, or null for an intermediate.</param>
/// <param name="Operation">What computes it: <c>input</c>, <c>const</c>, <c>+</c>, <c>-</c>, <c>*</c>, <c>/</c>, <c>neg</c>, <c>**</c> or a function name.</param>
/// <param name="Operands">The indices of the values it is computed from.</param>
/// <param name="Constant">For <c>const</c>, its value.</param>
public sealed record GraphNode(string? Label, string Operation, ImmutableArray<int> Operands, double Constant = 0);

/// <summary>A value and the gradient of the output with respect to it.</summary>
/// <param name="Name">The parameter or binding name (a rebound name gets <c>#2</c>, <c>#3</c>, ...).</param>
/// <param name="Value">Its value.</param>
/// <param name="Grad">d(output)/d(this value), accumulated over every use.</param>
public sealed record NodeGradient(string Name, double Value, double Grad);

/// <summary>What one backward pass found.</summary>
/// <param name="Value">The formula's value.</param>
/// <param name="Gradient">d(output)/d(parameter) for every parameter.</param>
/// <param name="Nodes">Parameters first, then let-bound names in order.</param>
/// <param name="Graph">Every value of the graph, in evaluation order; the last is the output.</param>
/// <param name="Values">The value of each graph node.</param>
/// <param name="Grads">The gradient of each graph node.</param>
public sealed record BackpropResult(
    double Value,
    IReadOnlyDictionary<string, double> Gradient,
    IReadOnlyList<NodeGradient> Nodes,
    IReadOnlyList<GraphNode> Graph,
    IReadOnlyList<double> Values,
    IReadOnlyList<double> Grads);

/// <summary>
/// Reverse-mode differentiation compiled to LINQ: the tree becomes a tape of binary operations (as
/// micrograd's <c>Value</c> graph), every value a local; the reverse sweep adds each node's gradient times
/// its local derivative into its operands' gradients (<c>+=</c>, so a value used twice collects both),
/// woven into the forward sweep so that each node's step runs as early as it can.
/// Function derivatives come from the function table's templates.
/// </summary>
public static class Backpropagation
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
        // a formula large enough to be split into methods has its long runs of one shape rerolled (Reroll)
        var reroll = !trace && Syntax.Nodes.Walk(formula.Core, distinct: false).Skip(LinqCompiler.MaxMethodNodes).Any();
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

    // The graph under construction: forward statements, and per node its operands' local derivatives.
    // With trace, gradients flow into constants too, so a let-bound constant reports its gradient.
    private sealed class Tape(LinqCompiler compiler, bool trace, bool reroll = false)
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

        public int Input(string name, L read)
        {
            var local = (ParameterExpression)Compiler.NewLocal(name);
            Inputs[local] = read;
            return Add(new GraphNode(name, "input", []), local, isConstant: false);
        }

        public int Lower(Expr e, ImmutableDictionary<string, int> scope)
        {
            if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
            {
                throw new InsufficientExecutionStackException("the formula nests too deeply to compile on this thread");
            }

            switch (e)
            {
                case Number n:
                    return Add(new GraphNode(null, "const", [], n.Value), L.Constant(n.Value), isConstant: true);
                case Variable v:
                    return scope.TryGetValue(v.Name, out var bound) ? bound
                        : throw new FormulaException(FormulaErrorKind.Name, $"unknown name `{v.Name}`");
                case Call { Function: { IsConstant: true } f }:
                    var builtin = Add(new GraphNode(f.Name, "const", [], f.ConstantValue), L.Constant(f.ConstantValue), isConstant: true);
                    BuiltinConstants.Add(builtin);
                    return builtin;
                case Sum s:
                    var sum = Apply(Lower(s.Terms[0], scope), Steps.Of(s).Rest, scope);
                    return Cancels(s) ? Constant(sum) : sum;
                case Product p:
                    return LowerProduct(p, scope);
                case Power { Exponent: Number { Value: var k } } p when Steps.IsUnrolled(k):
                    return Unary($"**{NumberText.Format(k)}", Lower(p.Base, scope), u => Compiler.Lower(new Power(new Variable("u"), new Number(k)), Scope(u)),
                        (u, _) => () => Compiler.Lower(Algebra.Build.Mul(new Number(k), Algebra.Build.Pow(new Variable("u"), new Number(k - 1))), Scope(u)));
                case Power p:
                    return Binary("**", Lower(p.Base, scope), Lower(p.Exponent, scope), (a, b) => L.Call(typeof(Math).GetMethod(nameof(Math.Pow))!, a, b),
                        (a, b, result) => (() => L.Multiply(b, L.Call(typeof(Math).GetMethod(nameof(Math.Pow))!, a, L.Subtract(b, L.Constant(1.0)))),
                                           () => L.Multiply(result, L.Call(typeof(Math).GetMethod(nameof(Math.Log), [typeof(double)])!, a))));
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
                    throw new InvalidOperationException($"unknown node {e.GetType().Name}");
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
                at = run.Start + run.Count;
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
                : throw new FormulaException(FormulaErrorKind.Name, $"unknown name `{name}`")).ToArray();
            var partials = Compiler.NewLocal("partials", typeof(double[]));
            var value = L.Block(
                L.Assign(partials, L.NewArrayBounds(typeof(double), L.Constant(operands.Length + 1))),
                L.Call(typeof(Reroll).GetMethod(nameof(Reroll.Gradient))!, values[acc], L.Constant(run.Op), L.Constant(LinqCompiler.CompileTerm(run)),
                    L.Constant(CompileTermGradient(run)), L.Constant(run.Constants), L.Constant(run.ConstantCount),
                    L.NewArrayInit(typeof(double), operands.Select(o => values[o])), L.Constant(run.Indices), L.Constant(run.NameCount),
                    L.Constant(run.Count), partials));
            var edges = operands.Select((o, j) => (o, (Func<L>)(() => L.ArrayIndex(partials, L.Constant(j)))))
                .Prepend((acc, () => L.ArrayIndex(partials, L.Constant(operands.Length))));
            return Add(new GraphNode(null, run.Op.ToString(), [acc, .. operands]), value, constant[acc] && operands.All(o => constant[o]), [.. edges]);
        }

        // a run's term and its reverse pass, compiled by a tape of its own over the slots: the names are its inputs,
        // the numbers constants; the sweep starts from the given adjoint and adds each input's gradient into partials
        private static Reroll.TermGradient CompileTermGradient(Reroll.Run run)
        {
            var (constants, c, inputs, indices, v) = Reroll.TermParameters();
            var adjoint = L.Parameter(typeof(double), "adjoint");
            var partials = L.Parameter(typeof(double[]), "partials");
            var slots = Reroll.Slots(run, constants, c, inputs, indices, v).ToDictionary(StringComparer.Ordinal);
            var tape = new Tape(LinqCompiler.ForStatements(), trace: false);
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

            var output = tape.Lower(run.Template, scope);
            var statements = tape.Sweep(output, run.NameCount, adjoint, (k, g) =>
                L.AddAssign(L.ArrayAccess(partials, L.ArrayIndex(indices, L.Add(v, L.Constant(k)))), g));
            statements.Add(tape.Value(output));
            return DelegateCompiler.Compile(L.Lambda<Reroll.TermGradient>(Locals.Block(statements, tape.Compiler.Locals, tape.Inputs),
                "term_gradient", [constants, c, inputs, indices, v, adjoint, partials]));
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

        private int Binary(string op, int a, int b, Func<L, L, L> value, Func<L, L, L, (Func<L> A, Func<L> B)> partials)
        {
            var result = values.Count;
            var (pa, pb) = partials(values[a], values[b], PlaceholderFor(result));
            return Add(new GraphNode(null, op, [a, b]), value(values[a], values[b]), constant[a] && constant[b], [(a, pa), (b, pb)]);
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

        // the terms of the sum cancel in pairs: each term has an equal term of the opposite sign
        private static bool Cancels(Sum s)
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

        private int Relabel(int node, string name)
        {
            Nodes[node] = Nodes[node] with { Label = name };
            return node;
        }

        // The forward sweep with the reverse sweep woven in: g[output] = 1, and each node, as soon as its
        // gradient is complete (every user done) and the values its local derivatives read exist, adds
        // g[node] * d node / d operand into its operands' gradients (+=, so a value used twice collects both).
        // For a sum of terms, the usual shape of a loss, each term's backward step runs right after its
        // forward one, while its values are still in registers.
        // The first `inputs` nodes are the parameters: each one's gradient is stored into `gradient` as soon
        // as it is complete. Every value and gradient gets its own local; Locals.Block shares them afterwards.
        public List<L> Sweep(int output, int inputs, L outputAdjoint, Func<int, L, L> store)
        {
            var statements = new List<L>();
            var outgoing = edges.Select((e, i) => (e.Node, Edge: i)).ToLookup(e => e.Node, e => e.Edge);
            var partials = new L?[edges.Count];
            L Partial(int edge) => partials[edge] ??= edges[edge].Partial();

            // only nodes the output depends on count as users
            var live = new bool[Nodes.Count];
            live[output] = true;
            var users = new int[Nodes.Count];
            for (var node = output; node >= 0; node--)
            {
                foreach (var edge in live[node] ? outgoing[node] : [])
                {
                    live[edges[edge].Operand] = true;
                    users[edges[edge].Operand]++;
                }
            }

            var fanout = (int[])users.Clone();
            var done = new bool[Nodes.Count];
            var computed = -1;
            bool Ready(int node) => !done[node] && live[node] && users[node] == 0
                && (node <= computed || outgoing[node].All(edge => Partial(edge) is ConstantExpression));

            void Backward(int start)
            {
                var work = new Stack<int>([start]);
                while (work.TryPop(out var node))
                {
                    done[node] = true;
                    var g = adjoints[node]!;
                    foreach (var edge in outgoing[node])
                    {
                        var operand = edges[edge].Operand;
                        var contribution = Scale(g, Partial(edge));
                        if (adjoints[operand] is { } existing)
                        {
                            statements.Add(L.AddAssign(existing, contribution));
                        }
                        else if (fanout[operand] == 1 && contribution is ConstantExpression or ParameterExpression)
                        {
                            // used once, and its gradient is a constant or another local: no local of its own
                            // (a sum's terms share the sum's gradient, known at compile time when it is the output)
                            adjoints[operand] = contribution;
                        }
                        else
                        {
                            adjoints[operand] = Compiler.NewLocal($"g{operand}");
                            statements.Add(L.Assign(adjoints[operand]!, contribution));
                        }

                        if (--users[operand] == 0 && Ready(operand))
                        {
                            work.Push(operand);
                        }
                    }

                    if (node < inputs)
                    {
                        Store(node, g);
                    }
                }
            }

            adjoints[output] = outputAdjoint;
            if (Ready(output))
            {
                Backward(output);
            }

            for (var node = 0; node < Nodes.Count; node++)
            {
                if (forward[node] is { } statement)
                {
                    statements.Add(statement);
                }

                computed = node;
                if (Ready(node))
                {
                    Backward(node);
                }
            }

            for (var input = 0; input < inputs; input++)
            {
                if (!done[input])
                {
                    Store(input, Adjoint(input));
                }
            }

            return statements;

            void Store(int input, L g) => statements.Add(store(input, g));
        }

        // g * partial, with the products the compiled code would compute exactly done now: 1*u = u, -1*u = -u.
        // A zero on either side is a strong zero (Chain.Times): a branch not taken passes no gradient, even
        // where the other side is infinite or NaN, as the symbolic simplifier's 0*u = 0.
        private static L Scale(L g, L partial) => (g, partial) switch
        {
            (_, ConstantExpression { Value: 1.0 }) => g,
            (ConstantExpression { Value: 1.0 }, _) => partial,
            (ConstantExpression { Value: double a }, ConstantExpression { Value: double b }) => L.Constant(Chain.Times(a, b)),
            (_, ConstantExpression { Value: -1.0 }) => L.Negate(g),
            (ConstantExpression { Value: -1.0 }, _) => L.Negate(partial),
            _ => L.Call(typeof(Chain).GetMethod(nameof(Chain.Times))!, g, partial),
        };

        private static ImmutableDictionary<string, L> Scope(L u) =>
            ImmutableDictionary<string, L>.Empty.Add("u", u);
    }
}

/// <summary>The product of the chain rule in reverse mode.</summary>
public static class Chain
{
    /// <summary>
    /// <c>gradient * partial</c> with a strong zero: 0 when either is 0, even against an infinite or NaN other
    /// side. A gradient of 0 means the value does not reach the output here (a min, max, relu or heaviside
    /// that selected the other branch, or a factor that is exactly 0), so nothing flows on, as in the
    /// symbolic derivative, which simplifies <c>0*u</c> to 0.
    /// </summary>
    /// <param name="gradient">The gradient of the node.</param>
    /// <param name="partial">The local derivative of the node with respect to one operand.</param>
    /// <returns>The contribution to the operand's gradient.</returns>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static double Times(double gradient, double partial) => gradient == 0 || partial == 0 ? 0.0 : gradient * partial;
}
