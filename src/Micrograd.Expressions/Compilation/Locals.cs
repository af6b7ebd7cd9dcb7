using System.Linq.Expressions;
using L = System.Linq.Expressions.Expression;

namespace Micrograd.Expressions.Compilation;

/// <summary>
/// Turns a flat list of statements over many short-lived locals into a block over few: each local is read
/// from its initializer just before its first use, and locals whose lifetimes do not overlap share one IL
/// local. Generated code with one local per value (a gradient tape has thousands) then stays within what
/// the JIT tracks in registers, and within IL's limit on locals; past that limit they live in one array.
/// </summary>
internal static class Locals
{
    /// <summary>The statements as one block, their locals coalesced.</summary>
    /// <param name="statements">Top-level statements in execution order; the last gives the block's value.
    /// A local's first reference must assign it (nested blocks may assign and read a local within one statement).</param>
    /// <param name="locals">The locals the statements use.</param>
    /// <param name="initializers">Locals to assign from an expression just before their first use.</param>
    public static BlockExpression Block(IReadOnlyList<L> statements, IEnumerable<ParameterExpression> locals,
        IReadOnlyDictionary<ParameterExpression, L> initializers)
    {
        var candidates = locals.Concat(initializers.Keys).ToHashSet();
        var ordered = new List<L>(statements.Count + initializers.Count);
        var uses = new List<ParameterExpression[]>(ordered.Capacity);
        var initialized = new HashSet<ParameterExpression>();
        foreach (var statement in statements)
        {
            var referenced = References(statement, candidates);
            foreach (var local in referenced.Where(l => initializers.ContainsKey(l) && initialized.Add(l)))
            {
                ordered.Add(L.Assign(local, initializers[local]));
                uses.Add([local]);
            }

            ordered.Add(statement);
            uses.Add(referenced);
        }

        var last = new Dictionary<ParameterExpression, int>();
        for (var i = 0; i < uses.Count; i++)
        {
            foreach (var local in uses[i])
            {
                last[local] = i;
            }
        }

        // linear scan: a local takes a free shared local at its first use and frees it after its last
        var shared = new Dictionary<ParameterExpression, ParameterExpression>();
        var declared = new List<ParameterExpression>();
        var free = new Dictionary<Type, Stack<ParameterExpression>>();
        for (var i = 0; i < uses.Count; i++)
        {
            foreach (var local in uses[i].Where(l => !shared.ContainsKey(l)))
            {
                shared[local] = free.TryGetValue(local.Type, out var pool) && pool.Count > 0 ? pool.Pop() : Declare(local.Type);
            }

            foreach (var local in uses[i].Where(l => last[l] == i))
            {
                (free.TryGetValue(local.Type, out var pool) ? pool : free[local.Type] = new Stack<ParameterExpression>()).Push(shared[local]);
            }
        }

        ParameterExpression Declare(Type type)
        {
            var local = L.Variable(type, $"t{declared.Count}");
            declared.Add(local);
            return local;
        }

        if (declared.Count <= LinqCompiler.MaxIlLocals || declared.Any(l => l.Type != typeof(double)))
        {
            var rename = new Rename(shared.ToDictionary(kv => kv.Key, kv => (L)kv.Value));
            return L.Block(ordered[^1].Type, declared, ordered.Select(rename.Visit)!);
        }

        var slots = L.Variable(typeof(double[]), "slots");
        var index = declared.Select((local, i) => (local, i)).ToDictionary(x => x.local, x => x.i);
        var toSlots = new Rename(shared.ToDictionary(kv => kv.Key, kv => (L)L.ArrayAccess(slots, L.Constant(index[kv.Value]))));
        return L.Block(ordered[^1].Type, [slots],
            ordered.Select(toSlots.Visit).Prepend(L.Assign(slots, L.NewArrayBounds(typeof(double), L.Constant(declared.Count))))!);
    }

    private static ParameterExpression[] References(L statement, HashSet<ParameterExpression> candidates)
    {
        var finder = new Finder(candidates);
        finder.Visit(statement);
        return [.. finder.Found];
    }

    private sealed class Finder(HashSet<ParameterExpression> candidates) : ExpressionVisitor
    {
        public List<ParameterExpression> Found { get; } = [];

        private readonly HashSet<ParameterExpression> seen = [];

        protected override L VisitParameter(ParameterExpression node)
        {
            if (candidates.Contains(node) && seen.Add(node))
            {
                Found.Add(node);
            }

            return node;
        }
    }

    private sealed class Rename(Dictionary<ParameterExpression, L> map) : ExpressionVisitor
    {
        protected override L VisitParameter(ParameterExpression node) => map.GetValueOrDefault(node, node);
    }
}
