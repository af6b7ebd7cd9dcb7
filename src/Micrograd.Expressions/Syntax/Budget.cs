namespace Micrograd.Expressions.Syntax;

/// <summary>
/// The resource budgets of <see cref="FormulaOptions"/> that apply to computed results (derivatives,
/// simplifications, printed text), measured without building anything larger than the input.
/// </summary>
internal static class Budget
{
    /// <summary>Refuses a computed tree with more distinct nodes than <see cref="FormulaOptions.MaxResultNodes"/>.</summary>
    public static void CheckResult(Expr tree, FormulaOptions options, string what)
    {
        var count = 0;
        foreach (var _ in Nodes.Walk(tree))
        {
            if (++count > options.MaxResultNodes)
            {
                throw new FormulaException(FormulaErrorKind.Limit,
                    $"{what} has more than {options.MaxResultNodes} nodes, the limit (FormulaOptions.MaxResultNodes)");
            }
        }
    }

    /// <summary>
    /// How many nodes <paramref name="tree"/> has with each call of a formula-defined function counted as its body
    /// written out (<see cref="Function.InlineNodes"/>, so calls of calls multiply): what evaluating, differentiating
    /// or printing it for a target without functions costs. Counting stops once past <paramref name="most"/>.
    /// </summary>
    public static long WrittenOut(Expr tree, long most = long.MaxValue)
    {
        var total = 0L;
        foreach (var node in Nodes.Walk(tree, distinct: false))
        {
            total += node is Call { Function.Body: not null } c ? c.Function.InlineNodes : 1;
            if (total > most)
            {
                break;
            }
        }

        return total;
    }

    /// <summary>True when the written-out size of <paramref name="tree"/> (<see cref="WrittenOut"/>) passes <see cref="FormulaOptions.MaxResultNodes"/>.</summary>
    public static bool WritesOutTooLarge(Expr tree, FormulaOptions options) =>
        WrittenOut(tree, options.MaxResultNodes) > options.MaxResultNodes;

    /// <summary>The reason a tree that <see cref="WritesOutTooLarge"/> is refused, for <paramref name="what"/> (the formula, a definition).</summary>
    public static string WrittenOutReason(string what, FormulaOptions options) =>
        $"{what}, with the bodies of the functions it calls written out, has more than {options.MaxResultNodes} nodes, " +
        "the limit (FormulaOptions.MaxResultNodes): each call of a function that calls another writes that one out again";

    /// <summary>
    /// An upper bound of the length of <paramref name="tree"/> printed with every shared subtree written at each
    /// of its uses, computed over the distinct nodes (linear in the size of the tree, not of the text).
    /// <paramref name="uses"/>, when given, says how many times a node writes its child at an index (a template
    /// that repeats an argument).
    /// </summary>
    public static double TextLength(Expr tree, Func<Expr, int> ownLength, Func<Expr, int, int>? uses = null) =>
        Fold(tree, (node, children) =>
        {
            var length = (double)ownLength(node);
            for (var i = 0; i < children.Length; i++)
            {
                length += (uses?.Invoke(node, i) ?? 1) * children[i];
            }

            return length;
        });

    /// <summary>
    /// A size computed bottom-up over the distinct nodes, without recursion: each node's from the node and its
    /// children's sizes (in <see cref="Nodes.Inside"/> order), so a subtree shared by reference is counted at each use.
    /// </summary>
    public static double Fold(Expr tree, Func<Expr, double[], double> size)
    {
        var lengths = new Dictionary<Expr, double>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Expr Node, bool Expanded)>();
        stack.Push((tree, false));
        while (stack.Count > 0)
        {
            var (node, expanded) = stack.Pop();
            if (lengths.ContainsKey(node))
            {
                continue;
            }

            var inside = Nodes.Inside(node);
            if (!expanded)
            {
                stack.Push((node, true));
                foreach (var child in inside)
                {
                    if (!lengths.ContainsKey(child))
                    {
                        stack.Push((child, false));
                    }
                }

                continue;
            }

            lengths[node] = size(node, [.. inside.Select(c => lengths[c])]);
        }

        return lengths[tree];
    }
}

/// <summary>
/// A budget of symbolic work for one operation on the current thread, measured as the bytes the operation
/// allocates (the engine's trees are immutable, so building the result is its work): a derivative or a
/// simplification that would take more than <see cref="FormulaOptions.MaxSymbolicBytes"/> is stopped with kind
/// <see cref="FormulaErrorKind.Limit"/> while it runs, so the cost of any accepted request is bounded even where
/// the size of the result cannot be known in advance (high orders swell threefold per order).
/// </summary>
internal static class Work
{
    [ThreadStatic]
    private static long limit;

    [ThreadStatic]
    private static bool active;

    /// <summary>Starts a budget; an operation inside another keeps the outer one.</summary>
    public static Extent Begin(FormulaOptions options) => active ? default : new Extent(options.MaxSymbolicBytes);

    /// <summary>Called at each node visited; throws once the budget is spent.</summary>
    public static void Step()
    {
        if (active && GC.GetAllocatedBytesForCurrentThread() > limit)
        {
            active = false;
            throw new FormulaException(FormulaErrorKind.Limit,
                "the result would be too large: computing it takes more than the limit of work (FormulaOptions.MaxSymbolicBytes); lower the order or simplify the formula first");
        }
    }

    /// <summary>The extent of one budget.</summary>
    public readonly struct Extent : IDisposable
    {
        private readonly bool owner;

        public Extent(long budget)
        {
            var start = GC.GetAllocatedBytesForCurrentThread();
            limit = budget > long.MaxValue - start ? long.MaxValue : start + budget;
            active = true;
            owner = true;
        }

        public void Dispose()
        {
            if (owner)
            {
                active = false;
            }
        }
    }
}
