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
    /// An upper bound of the length of <paramref name="tree"/> printed with every shared subtree written at each
    /// of its uses, computed over the distinct nodes (linear in the size of the tree, not of the text).
    /// </summary>
    public static double TextLength(Expr tree, Func<Expr, int> ownLength)
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

            var length = (double)ownLength(node);
            foreach (var child in inside)
            {
                length += lengths[child];
            }

            lengths[node] = length;
        }

        return lengths[tree];
    }
}
