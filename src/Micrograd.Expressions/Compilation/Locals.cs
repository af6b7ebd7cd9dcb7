using System.Diagnostics.CodeAnalysis;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using L = System.Linq.Expressions.Expression;

namespace Micrograd.Expressions.Compilation;

/// <summary>
/// Turns a flat list of statements over many short-lived locals into a block over few: each local is read
/// from its initializer just before its first use, and locals whose lifetimes do not overlap share one IL
/// local. Generated code with one local per value (a gradient tape has thousands) then stays within what
/// the JIT tracks in registers, and within IL's limit on locals; past that limit they live in one array.
/// A block too long for the JIT to optimize is cut into several methods.
/// </summary>
internal static class Locals
{
    /// <summary>The statements as one block, their locals coalesced.</summary>
    /// <param name="statements">Top-level statements in execution order; the last gives the block's value.
    /// A local's first reference must assign it (nested blocks may assign and read a local within one statement).</param>
    /// <param name="locals">The locals the statements use.</param>
    /// <param name="initializers">Locals to assign from an expression just before their first use.</param>
    /// <param name="parameters">The parameters of the lambda the block is the body of, to split a long
    /// block into methods that take them; null to keep one method.</param>
    /// <param name="methodReferences">About how many references to locals and parameters each method split off
    /// has: <see cref="MaxMethodReferences"/> for statements of one operation each (a tape); fewer for statements
    /// that are expressions of many operations (a large formula's value), so that each method stays small enough
    /// for the JIT to optimize.</param>
    public static BlockExpression Block(IReadOnlyList<L> statements, IEnumerable<ParameterExpression> locals,
        IReadOnlyDictionary<ParameterExpression, L> initializers, IReadOnlyList<ParameterExpression>? parameters = null,
        int methodReferences = MaxMethodReferences)
    {
        var candidates = locals.Concat(initializers.Keys).ToHashSet();
        var ordered = new List<L>(statements.Count + initializers.Count);
        var uses = new List<ParameterExpression[]>(ordered.Capacity);
        var sizes = new List<int>(ordered.Capacity);
        var initialized = new HashSet<ParameterExpression>();
        foreach (var statement in statements)
        {
            var (referenced, size) = References(statement, candidates);
            foreach (var local in referenced.Where(l => initializers.ContainsKey(l) && initialized.Add(l)))
            {
                ordered.Add(L.Assign(local, initializers[local]));
                uses.Add([local]);
                sizes.Add(2);
            }

            ordered.Add(statement);
            uses.Add(referenced);
            sizes.Add(size);
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
            var body = ordered.Select(rename.Visit).ToList();
            return parameters is null ? L.Block(ordered[^1].Type, declared, body!)
                : L.Block(ordered[^1].Type, declared, SplitIntoMethods(body!, uses, sizes, last, shared, parameters, methodReferences));
        }

        var slots = L.Variable(typeof(double[]), "slots");
        var index = declared.Select((local, i) => (local, i)).ToDictionary(x => x.local, x => x.i);
        var toSlots = new Rename(shared.ToDictionary(kv => kv.Key, kv => (L)L.ArrayAccess(slots, L.Constant(index[kv.Value]))));
        return L.Block(ordered[^1].Type, [slots],
            ordered.Select(toSlots.Visit).Prepend(L.Assign(slots, NewDoubles(declared.Count)))!);
    }

    /// <summary>A new <c>double[]</c> of <paramref name="count"/> zeros, made at each run of the expression.</summary>
    // AOT's warning is about arrays of types whose array code may not exist: double[] always does
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "An array of double, a type every NativeAOT app has")]
    public static NewArrayExpression NewDoubles(int count) => L.NewArrayBounds(typeof(double), L.Constant(count));

    /// <summary>A new <c>double[]</c> of these values, made at each run of the expression.</summary>
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "An array of double, a type every NativeAOT app has")]
    public static NewArrayExpression Doubles(IEnumerable<L> values) => L.NewArrayInit(typeof(double), values);

    // The JIT compiles a method without optimizing it past about 8,000 references to locals (or 20,000 IL
    // instructions). A long block is cut, where few values are alive, into runs of statements with about
    // this many references; each run becomes a method that takes the lambda's parameters and, by
    // reference, the locals alive across its ends, and the block calls them in order.
    public const int MaxMethodReferences = 5_000;
    private const int MaxCarried = 12;

    private static List<L> SplitIntoMethods(List<L> body, List<ParameterExpression[]> uses, List<int> sizes,
        Dictionary<ParameterExpression, int> last, Dictionary<ParameterExpression, ParameterExpression> shared,
        IReadOnlyList<ParameterExpression> parameters, int methodReferences)
    {
        // the methods exist for the JIT's optimizer; without dynamic code the block is interpreted as it stands
        if (!RuntimeFeature.IsDynamicCodeSupported || sizes.Sum() <= methodReferences)
        {
            return body;
        }

        // alive across boundary b (between statements b-1 and b): first use before b, last use at b or after
        var born = new List<ParameterExpression>[body.Count + 1];
        var dead = new List<ParameterExpression>[body.Count + 1];
        var seen = new HashSet<ParameterExpression>();
        for (var i = 0; i < uses.Count; i++)
        {
            foreach (var local in uses[i].Where(seen.Add))
            {
                (born[i + 1] ??= []).Add(local);
                (dead[last[local] + 1] ??= []).Add(local);
            }
        }

        var cuts = new List<int> { 0 };
        var carriedAt = new List<HashSet<ParameterExpression>> { new() };
        var alive = new HashSet<ParameterExpression>();
        var size = 0;
        for (var b = 1; b < body.Count; b++)
        {
            alive.UnionWith(born[b] ?? []);
            alive.ExceptWith(dead[b] ?? []);
            size += sizes[b - 1];
            if (size >= methodReferences && alive.Count <= MaxCarried)
            {
                cuts.Add(b);
                carriedAt.Add([.. alive.Select(local => shared[local])]);
                size = 0;
            }
        }

        if (cuts.Count == 1)
        {
            return body;
        }

        var result = new List<L>();
        for (var k = 0; k + 1 < cuts.Count; k++)
        {
            var (start, end) = (cuts[k], cuts[k + 1]);
            var carried = carriedAt[k].Union(carriedAt[k + 1]).ToList();
            // inside, every local is the method's own (a register): carried ones are copied in and out
            var byRef = carried.ToDictionary(local => local, local => L.Parameter(local.Type.MakeByRefType(), local.Name));
            var own = uses.Skip(start).Take(end - start).SelectMany(used => used.Select(local => shared[local]))
                .Concat(carried).Distinct().ToDictionary(local => local, local => L.Variable(local.Type, local.Name));
            var rename = new Rename(own.ToDictionary(kv => kv.Key, kv => (L)kv.Value));
            var methodParameters = parameters.Concat(byRef.Values).ToList();
            var type = L.GetDelegateType([.. methodParameters.Select(p => p.IsByRef ? p.Type.MakeByRefType() : p.Type), typeof(void)]);
            var statements = carried.Select(local => (L)L.Assign(own[local], byRef[local]))
                .Concat(body.Skip(start).Take(end - start).Select(rename.Visit)!)
                .Concat(carried.Select(local => L.Assign(byRef[local], own[local])));
            var method = DelegateCompiler.Compile(L.Lambda(type, L.Block(typeof(void), own.Values, statements!), "part", methodParameters));
            result.Add(L.Invoke(L.Constant(method, type), parameters.Concat<L>(carried)));
        }

        result.AddRange(body.Skip(cuts[^1]));
        return result;
    }

    private static (ParameterExpression[] Referenced, int Size) References(L statement, HashSet<ParameterExpression> candidates)
    {
        var finder = new Finder(candidates);
        finder.Visit(statement);
        return ([.. finder.Found], finder.Size);
    }

    private sealed class Finder(HashSet<ParameterExpression> candidates) : ExpressionVisitor
    {
        public List<ParameterExpression> Found { get; } = [];

        public int Size { get; private set; }

        private readonly HashSet<ParameterExpression> seen = [];


        protected override L VisitParameter(ParameterExpression node)
        {
            Size++;
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
