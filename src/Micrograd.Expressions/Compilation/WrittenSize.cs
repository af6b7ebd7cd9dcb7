using Micrograd.Expressions.Syntax;
using L = System.Linq.Expressions.Expression;

namespace Micrograd.Expressions.Compilation;

/// <summary>
/// The size of a block-free expression (<see cref="LinqCompiler.BlockFree"/>) as a tree, with every shared part
/// counted at each use, as a query provider or a compiler walks it: let-bound values at each use, a formula-defined
/// function's body with each parameter counted as its argument (calls of calls multiply), and for query providers
/// the rewrites of the rows' query forms (<see cref="Function.QueryForm"/>), which write an argument more than once (tanh's nine times).
/// Computed over the distinct nodes, so it costs the size of the formula, not of the expression.
/// </summary>
internal static class WrittenSize
{
    public static double Of(Expr tree, bool forQueries)
    {
        var functions = new Dictionary<Function, (double Own, double[] Uses)>(ReferenceEqualityComparer.Instance);
        return Size(tree, _ => 0, forQueries, functions);
    }

    // the size of a tree whose free names have the given sizes; iterative over the tree, recursive only over
    // the functions a body calls (bounded: functions cannot call themselves)
    private static double Size(Expr tree, Func<string, double> names, bool forQueries, Dictionary<Function, (double Own, double[] Uses)> functions) =>
        Budget.Fold(Inliner.Inline(tree), (node, children) => node switch
        {
            Variable v => Math.Max(1, names(v.Name)),
            Call { Function: { Arity: > 0 } f } when f.Body is not null || forQueries => Call(f, children, forQueries, functions),
            _ => 1 + children.Sum(),
        });

    // a call as written: a body with its arguments in place, a lowered built-in, or a call node and its arguments
    private static double Call(Function function, double[] arguments, bool forQueries, Dictionary<Function, (double Own, double[] Uses)> functions)
    {
        if (!functions.TryGetValue(function, out var shape))
        {
            functions[function] = shape = Shape(function, forQueries, functions);
        }

        return shape.Own + shape.Uses.Select((uses, k) => uses * arguments[k]).Sum();
    }

    // a call's size is linear in its arguments' sizes: its own nodes plus each argument times its uses
    private static (double Own, double[] Uses) Shape(Function function, bool forQueries, Dictionary<Function, (double Own, double[] Uses)> functions)
    {
        var arity = function.Arity;
        if (function.Body is { } body)
        {
            var parameters = function.ParameterNames;
            return Linear(arity, unit => Size(body, name => Indexed(parameters, name) == unit ? 2 : Indexed(parameters, name) >= 0 ? 1 : 0, forQueries, functions),
                Size(body, name => Indexed(parameters, name) >= 0 ? 1 : 0, forQueries, functions));
        }

        var placeholders = Enumerable.Range(0, arity).Select(k => L.Parameter(typeof(double), $"a{k}")).ToArray();
        if (function.QueryForm?.Invoke(placeholders) is not { } lowered)
        {
            return (1, [.. Enumerable.Repeat(1.0, arity)]);
        }

        var counter = new Counter(placeholders);
        counter.Visit(lowered);
        return (counter.Nodes - counter.Uses.Sum(), [.. counter.Uses.Select(u => (double)u)]);
    }

    // from the size with every argument of size 1, and with argument k of size 2: own = all - Σ uses
    private static (double Own, double[] Uses) Linear(int arity, Func<int, double> withTwo, double withOnes)
    {
        var uses = Enumerable.Range(0, arity).Select(k => withTwo(k) - withOnes).ToArray();
        return (withOnes - uses.Sum(), uses);
    }

    private static int Indexed(IReadOnlyList<string> parameters, string name)
    {
        for (var k = 0; k < parameters.Count; k++)
        {
            if (parameters[k] == name)
            {
                return k;
            }
        }

        return -1;
    }

    // the nodes of a lowered call as a tree, and the uses of each argument
    private sealed class Counter(System.Linq.Expressions.ParameterExpression[] placeholders) : System.Linq.Expressions.ExpressionVisitor
    {
        public int Nodes { get; private set; }

        public int[] Uses { get; } = new int[placeholders.Length];

        public override L? Visit(L? node)
        {
            if (node is not null)
            {
                Nodes++;
            }

            return base.Visit(node);
        }

        protected override L VisitParameter(System.Linq.Expressions.ParameterExpression node)
        {
            var k = Array.IndexOf(placeholders, node);
            if (k >= 0)
            {
                Uses[k]++;
            }

            return node;
        }
    }
}
