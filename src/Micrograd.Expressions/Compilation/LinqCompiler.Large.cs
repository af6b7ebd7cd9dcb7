using System.Collections.Immutable;
using System.Linq.Expressions;
using Micrograd.Expressions.Syntax;
using L = System.Linq.Expressions.Expression;

namespace Micrograd.Expressions.Compilation;

// The lowering of large formulas: cut into methods of a few thousand nodes each, and long runs of one shape
// rerolled into loops (Reroll), so the JIT optimizes every method and compiles little code.
internal sealed partial class LinqCompiler
{
    // The JIT compiles a very large method without optimizing it (past about 20,000 IL instructions), which
    // made a 1,000-term sum 60 times slower than a 100-term one. A formula larger than this many nodes is
    // compiled as several methods: subtrees of a few hundred nodes and up, and long chains cut into runs of
    // steps, each method continuing from the previous one's result so every rounding stays in order.
    internal const int MaxMethodNodes = 3000;

    // where splitting may happen: lowering in the root scope (no let-bound names), whose expressions read
    // the lambda's parameters; each method split off takes the same parameters
    // Reroll: the formula is large enough (FormulaOptions.RerollNodes) for long runs of one shape to become loops
    private sealed record Split(Expr Root, ImmutableDictionary<string, L> Scope, IReadOnlyList<ParameterExpression> Parameters,
        Dictionary<Expr, long> Sizes, bool Reroll)
    {
        // computed when first asked for, so the subtrees of rerolled runs are never counted
        public long Size(Expr e) => IsLeaf(e) ? 1 : Sizes.TryGetValue(e, out var size) ? size : Count(e, Sizes);

        // compiles body as a method of (leading..., the lambda's parameters) and calls it with arguments
        public L Call(L body, IReadOnlyList<(ParameterExpression Parameter, L Argument)> leading)
        {
            var parameters = leading.Select(l => l.Parameter).Concat(Parameters).ToList();
            var type = L.GetDelegateType([.. parameters.Select(p => p.Type), typeof(double)]);
            var method = DelegateCompiler.Compile(L.Lambda(type, body, "formula_part", parameters));
            return L.Invoke(L.Constant(method, type), leading.Select(l => l.Argument).Concat(Parameters));
        }
    }

    // a node of size 1, left out of the size table (which for a long sum of products is two-thirds of it)
    private static bool IsLeaf(Expr e) => e is Number or Variable or Call { Arguments.Length: 0 };

    // the size of a subtree (as the compilers lower it: a shared subtree once per use) and of every subtree inside it
    // but the leaves, added to the table, in one pass
    private static long Count(Expr root, Dictionary<Expr, long> sizes)
    {
        var stack = new Stack<(Expr Node, bool Expanded)>([(root, false)]);
        while (stack.TryPop(out var top))
        {
            var (node, expanded) = top;
            if (sizes.ContainsKey(node))
            {
                continue;
            }

            var children = Nodes.Inside(node);
            if (expanded)
            {
                sizes[node] = Math.Min(long.MaxValue / 2, 1 + children.Sum(c => IsLeaf(c) ? 1 : sizes[c]));
                continue;
            }

            stack.Push((node, true));
            foreach (var child in children.Where(c => !IsLeaf(c) && !sizes.ContainsKey(c)))
            {
                stack.Push((child, false));
            }
        }

        return sizes[root];
    }

    private Split? split;

    private L SplitChain(Steps.Chain chain, Split s)
    {
        var acc = NewLocal("acc");
        var statements = new List<L>();
        var end = Run(chain.Rest, 0, s.Size(chain.First), s);
        var first = new LinqCompiler(chain.Rest[..end].Sum(link => CountLocals(link.Operand)) + CountLocals(chain.First) > MaxIlLocals) { split = s };
        statements.Add(L.Assign(acc, s.Call(first.Wrap([first.LowerChain(chain with { Rest = chain.Rest[..end] }, s.Scope)]), [])));
        ContinueInMethods(acc, chain.Rest[end..], s, statements);
        statements.Add(acc);
        return L.Block(typeof(double), statements);
    }

    // acc = part(acc) for each run of the steps that fits one method, in order
    private static void ContinueInMethods(L acc, Steps.Step[] links, Split s, List<L> statements)
    {
        for (var start = 0; start < links.Length;)
        {
            var next = Run(links, start, 0, s);
            var part = new LinqCompiler(links[start..next].Sum(link => CountLocals(link.Operand)) > MaxIlLocals) { split = s };
            var previous = L.Parameter(typeof(double), "acc");
            var body = part.Accumulate(previous, [.. links[start..next].Select<Steps.Step, Func<L, L>>(link => a => part.Step(link, a, s.Scope))]);
            statements.Add(L.Assign(acc, s.Call(part.Wrap([body]), [(previous, acc)])));
            start = next;
        }
    }

    // the chain as statements on one accumulator: each rerolled run one call of Reroll.Apply, the steps between
    // them straight-line code (cut into methods as SplitChain does when they are large)
    private L LowerRerolled(Steps.Chain chain, List<Reroll.Run> runs, ImmutableDictionary<string, L> scope)
    {
        var first = Lower(chain.First, scope);
        if (chain.Negate)
        {
            first = Fold(L.Negate(first), v => -v[0]);
        }

        var acc = NewLocal("acc");
        var statements = new List<L> { L.Assign(acc, first) };
        var at = 0;
        foreach (var run in runs.Append(null))
        {
            var end = run?.Start ?? chain.Rest.Length;
            if (end > at)
            {
                statements.Add(L.Assign(acc, Straight(acc, chain.Rest[at..end], scope)));
            }

            if (run is not null)
            {
                statements.Add(L.Assign(acc, LowerRun(acc, run, scope)));
                at = run.Start + run.Length;
            }
        }

        statements.Add(acc);
        return L.Block(number, statements);
    }

    // acc followed by the steps: in place, or as methods continuing one another when they are large
    private L Straight(L acc, Steps.Step[] links, ImmutableDictionary<string, L> scope)
    {
        if (split is not { } s || !ReferenceEquals(scope, s.Scope) || links.Sum(link => s.Size(link.Operand)) <= MaxMethodNodes)
        {
            return Accumulate(acc, [.. links.Select<Steps.Step, Func<L, L>>(link => a => Step(link, a, scope))]);
        }

        var local = NewLocal("acc");
        var statements = new List<L> { L.Assign(local, acc) };
        ContinueInMethods(local, links, s, statements);
        statements.Add(local);
        return L.Block(typeof(double), statements);
    }

    // One run as a call of Reroll.Apply with its term compiled once. The term reads the parameters it names from an
    // array: the delegate's own argument array when they are all read from it (Compile()), so nothing is allocated
    // per call, else one built at the call.
    private L LowerRun(L acc, Reroll.Run run, ImmutableDictionary<string, L> scope)
    {
        var (inputs, indices) = Reroll.Inputs(run, [.. run.Names.Select(name => scope.TryGetValue(name, out var value) ? value
            : throw new FormulaException(FormulaErrorKind.Name, $"unknown name `{name}`"))]);
        return L.Call(typeof(Reroll).GetMethod(nameof(Reroll.Apply))!, acc, L.Constant(CompileBlock(run)),
            L.Constant(run.Constants), L.Constant(run.ConstantCount), inputs, L.Constant(indices), L.Constant(run.NameCount), L.Constant(run.Count));
    }

    /// <summary>The block of a rerolled run, compiled: its steps applied to <c>acc</c>.</summary>
    internal static Reroll.Block CompileBlock(Reroll.Run run)
    {
        var acc = L.Parameter(typeof(double), "acc");
        var (constants, c, inputs, indices, v) = Reroll.BlockParameters();
        var compiler = new LinqCompiler(false);
        var scope = ImmutableDictionary.CreateRange(StringComparer.Ordinal, Reroll.Slots(run, constants, c, inputs, indices, v));
        var body = compiler.Accumulate(acc, [.. run.Block.Select<Steps.Step, Func<L, L>>(step => a => compiler.Step(step, a, scope))]);
        return DelegateCompiler.Compile(L.Lambda<Reroll.Block>(compiler.Wrap([body]), "block", [acc, constants, c, inputs, indices, v]));
    }

    // the end of a run of links from `from` that fits one method (at least one link)
    private static int Run(Steps.Step[] links, int from, long size, Split s)
    {
        var end = from;
        do
        {
            size += s.Size(links[end].Operand) + 1;
            end++;
        }
        while (end < links.Length && size + s.Size(links[end].Operand) < MaxMethodNodes);
        return end;
    }
}
