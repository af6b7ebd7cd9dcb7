using System.Collections.Immutable;
using System.Linq.Expressions;
using Micrograd.Expressions.Syntax;
using L = System.Linq.Expressions.Expression;

namespace Micrograd.Expressions.Compilation;

// Large formulas: lowered as statements (small subtrees as expressions), long runs of one shape rerolled into loops
// (Reroll), and cut into methods by the one splitter (Locals.Block), the same pass that cuts their gradient.
internal sealed partial class LinqCompiler
{
    // The JIT compiles a very large method without optimizing it (past about 20,000 IL instructions), which
    // made a 1,000-term sum 60 times slower than a 100-term one. A formula larger than this many nodes is
    // compiled as several methods (Locals.Block cuts its statements where few values are alive).
    internal const int MaxMethodNodes = 3000;

    /// <summary>True for a tree of more than <see cref="MaxMethodNodes"/> nodes, lowered through the one splitter.</summary>
    internal static bool IsLarge(Expr tree) => Nodes.MoreThan(tree, MaxMethodNodes);

    // subtrees up to this many nodes are lowered as one expression (the JIT keeps their values in registers)
    private const int NestedNodes = 256;

    // a method split off a large formula's value has about this many references (each statement is an expression of
    // up to MaxNestedSteps steps, so a few thousand nodes; at 5,000, as for a tape, the JIT stops optimizing them)
    private const int MethodReferences = 2_000;

    // The body of a large formula for the one splitter (Locals.Block, which also splits reverse mode's tape): subtrees
    // of up to NestedNodes nodes as expressions, larger ones hoisted into statements in evaluation order (a chain
    // one statement per step on an accumulator, long runs of one shape one Reroll.Apply each, a binding one
    // statement, a call or power after its operands); the same operations in the same order as Lower, so the same bits.
    private static BlockExpression LargeBody(Expr tree, ImmutableDictionary<string, L> scope, IReadOnlyList<ParameterExpression> parameters, bool reroll)
    {
        var compiler = new LinqCompiler();
        var statements = new List<L>();
        var hoist = new Hoisting(compiler, statements, reroll);
        statements.Add(hoist.Lower(tree, scope));
        return Compilation.Locals.Block(statements, compiler.Locals, new Dictionary<ParameterExpression, L>(), parameters, MethodReferences);
    }

    private sealed class Hoisting(LinqCompiler compiler, List<L> statements, bool reroll)
    {
        public L Lower(Expr e, ImmutableDictionary<string, L> scope)
        {
            Guards.Stack("compile");

            if (e is Number or Variable || !Nodes.MoreThan(e, NestedNodes))
            {
                return compiler.Lower(e, scope);
            }

            switch (e)
            {
                case Sum s:
                    return Series(Steps.Of(s), scope);
                case Product p:
                    return Series(Steps.Of(p), scope);
                case Power p:
                    var b = Lower(p.Base, scope);
                    return p.Exponent is Number ? compiler.LowerPower(b, p.Exponent, scope) : Pow(b, Lower(p.Exponent, scope));
                case Call c:
                    return compiler.LowerCall(c, [.. c.Arguments.Select(a => Lower(a, scope))]);
                case Let l:
                    foreach (var binding in l.Bindings)
                    {
                        var local = compiler.NewLocal(binding.Name);
                        statements.Add(L.Assign(local, Lower(binding.Value, scope)));
                        scope = scope.SetItem(binding.Name, local);
                    }

                    return Lower(l.Body, scope);
                default:
                    return compiler.Lower(e, scope);
            }
        }

        // acc = first; acc = acc op operand for each step, each operand's own statements first
        private L Series(Steps.Series chain, ImmutableDictionary<string, L> scope)
        {
            var first = Lower(chain.First, scope);
            if (chain.Negate)
            {
                first = Fold(L.Negate(first), v => -v[0]);
            }

            var acc = compiler.NewLocal("acc");
            statements.Add(L.Assign(acc, first));
            var runs = reroll && chain.Rest.Length >= Reroll.MinRun ? Reroll.Find(chain.Rest) : [];
            var at = 0;
            foreach (var run in runs.Append(null))
            {
                // up to MaxNestedSteps steps per statement, nested as a short chain is: fewer stores of the accumulator
                L value = acc;
                var nested = 0;
                for (var end = run?.Start ?? chain.Rest.Length; at < end; at++)
                {
                    var before = statements.Count;
                    var operand = Lower(chain.Rest[at].Operand, scope);
                    if (statements.Count > before || nested == MaxNestedSteps)
                    {
                        // the operand's own statements run after the steps so far
                        statements.Insert(before, L.Assign(acc, value));
                        (value, nested) = (acc, 0);
                    }

                    value = Step(chain.Rest[at].Op, value, operand);
                    nested++;
                }

                if (nested > 0)
                {
                    statements.Add(L.Assign(acc, value));
                }

                if (run is not null)
                {
                    statements.Add(L.Assign(acc, LowerRun(acc, run, scope)));
                    at = run.Start + run.Length;
                }
            }

            return acc;
        }
    }

    // One run as a call of Reroll.Apply with its block compiled once. The block reads the parameters it names from an
    // array: the delegate's own argument array when they are all read from it (Compile()), so nothing is allocated
    // per call, else one built at the call.
    private static L LowerRun(L acc, Reroll.Run run, ImmutableDictionary<string, L> scope)
    {
        var (inputs, indices) = Reroll.Inputs(run, [.. run.Names.Select(name => scope.TryGetValue(name, out var value) ? value
            : throw Guards.UnknownName(name))]);
        return L.Call(typeof(Reroll).GetMethod(nameof(Reroll.Apply))!, acc, L.Constant(CompileBlock(run)),
            L.Constant(run.Constants), L.Constant(run.ConstantCount), inputs, L.Constant(indices), L.Constant(run.NameCount), L.Constant(run.Count));
    }

    /// <summary>The block of a rerolled run, compiled: its steps applied to <c>acc</c>.</summary>
    internal static Reroll.Block CompileBlock(Reroll.Run run)
    {
        var acc = L.Parameter(typeof(double), "acc");
        var (constants, c, inputs, indices, v) = Reroll.BlockParameters();
        var compiler = new LinqCompiler();
        var scope = ImmutableDictionary.CreateRange(StringComparer.Ordinal, Reroll.Slots(run, constants, c, inputs, indices, v));
        var body = compiler.Accumulate(acc, [.. run.Block.Select<Steps.Step, Func<L, L>>(step => a => compiler.Step(step, a, scope))]);
        return DelegateCompiler.Compile(L.Lambda<Reroll.Block>(compiler.Wrap([body]), "block", [acc, constants, c, inputs, indices, v]));
    }
}
