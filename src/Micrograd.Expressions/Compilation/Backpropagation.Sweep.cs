using System.Linq.Expressions;
using Micrograd.Expressions.Calculus;
using L = System.Linq.Expressions.Expression;

namespace Micrograd.Expressions.Compilation;

internal static partial class Backpropagation
{
    private sealed partial class Tape
    {
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
        // A zero on either side is a strong zero (StrongZero.Times): a branch not taken passes no gradient, even
        // where the other side is infinite or NaN, as the symbolic simplifier's 0*u = 0.
        private static L Scale(L g, L partial) => (g, partial) switch
        {
            (_, ConstantExpression { Value: 1.0 }) => g,
            (ConstantExpression { Value: 1.0 }, _) => partial,
            (ConstantExpression { Value: double a }, ConstantExpression { Value: double b }) => L.Constant(StrongZero.Times(a, b)),
            (_, ConstantExpression { Value: -1.0 }) => L.Negate(g),
            (ConstantExpression { Value: -1.0 }, _) => L.Negate(partial),
            _ => L.Call(typeof(StrongZero).GetMethod(nameof(StrongZero.Times))!, g, partial),
        };
    }
}
