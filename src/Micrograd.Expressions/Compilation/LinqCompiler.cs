using System.Collections.Immutable;
using System.Linq.Expressions;
using System.Numerics;
using Micrograd.Expressions.Syntax;
using L = System.Linq.Expressions.Expression;

namespace Micrograd.Expressions.Compilation;

/// <summary>
/// Lowers a formula tree to a System.Linq.Expressions lambda that computes exactly what the tree says, in
/// IEEE order: sums and products left to right, <c>a/b</c> as a division, each let-bound value once (a block
/// local). Small integer powers become multiplications; subtrees over constants are folded at compile time
/// with the same operations the compiled code would run. Long sums and products become a sequence of
/// statements rather than a deep expression; a large formula is lowered as statements and cut into methods by
/// the one splitter (<see cref="Compilation.Locals"/>), so any formula the parser accepts compiles.
/// </summary>
internal sealed partial class LinqCompiler
{
    // past this length a chain becomes statements on an accumulator (a large formula's body nests this many steps per statement)
    private const int MaxNestedSteps = 32;

    // past this many locals they live in one array (Locals.Block; IL allows 65,535 locals)
    internal const int MaxIlLocals = 8_192;

    private readonly List<ParameterExpression> locals = [];
    private readonly Type number;

    // no blocks, locals or methods: a let-bound value is the same expression at each use, a power's base is
    // written at each multiplication, a chain is nested (for LINQ providers that reject blocks)
    private bool blockFree;
    private bool forQueries;

    // number: double, or Vector<double> for the lanes of a batch loop. A large tree never comes here whole: it is
    // lowered in statements of at most NestedNodes nodes (LargeBody), so a compiler never needs more IL locals
    // than a method may have.
    private LinqCompiler(Type? number = null) => this.number = number ?? typeof(double);

    /// <summary>A compiler for the body of a batch loop: every value a <c>Vector&lt;double&gt;</c>.</summary>
    internal static LinqCompiler ForVectors() => new(typeof(Vector<double>));

    /// <summary>A compiler for the scalar body of a batch loop (of a tree that is not large).</summary>
    internal static LinqCompiler ForScalars() => new();

    /// <summary>The locals this compiler has created, for a caller that builds its own block.</summary>
    internal IReadOnlyList<ParameterExpression> Locals => locals;

    /// <summary>Statements that must run before any code of this compiler: the broadcast constants.</summary>
    internal IEnumerable<L> Prologue =>
        broadcasts.Select(kv => (L)L.Assign(kv.Value, L.New(typeof(Vector<double>).GetConstructor([typeof(double)])!, L.Constant(BitConverter.Int64BitsToDouble(kv.Key)))));

    // A vector constant in a compiled lambda would be boxed in its closure and unboxed on every use;
    // a local assigned once before the loop is a register. Keyed by the bits: -0.0 and 0.0 are two constants.
    private readonly Dictionary<long, ParameterExpression> broadcasts = [];

    private L Const(double value)
    {
        if (number == typeof(double))
        {
            return L.Constant(value);
        }

        if (!broadcasts.TryGetValue(BitConverter.DoubleToInt64Bits(value), out var local))
        {
            local = L.Variable(number, $"broadcast{broadcasts.Count}");
            broadcasts[BitConverter.DoubleToInt64Bits(value)] = local;
            locals.Add(local);
        }

        return local;
    }

    /// <summary>A compiler for statements that another generator assembles and wraps with <see cref="Compilation.Locals.Block"/>.</summary>
    internal static LinqCompiler ForStatements() => new();

    /// <summary>A lambda <c>double[] args => ...</c> reading the parameters in order.</summary>
    public static Expression<Func<double[], double>> ToArrayLambda(Expr tree, IReadOnlyList<string> parameters, int rerollNodes = int.MaxValue)
    {
        var args = L.Parameter(typeof(double[]), "args");
        var scope = ImmutableDictionary.CreateRange(StringComparer.Ordinal,
            parameters.Select((p, i) => KeyValuePair.Create(p, (L)L.ArrayIndex(args, L.Constant(i)))));
        return (Expression<Func<double[], double>>)Lambda(typeof(Func<double[], double>), tree, scope, [args], rerollNodes);
    }

    /// <summary>
    /// The tree as one expression of type <c>double</c> over the caller's expressions for its free names: no
    /// <see cref="BlockExpression"/>, no parameters or variables of its own. The same operations in the same
    /// order as the compiled formula, so the same bits; a value used several times is computed at each use.
    /// </summary>
    /// <param name="tree">The tree.</param>
    /// <param name="argument">The expression for each free name.</param>
    /// <param name="forQueries">Write the functions query providers lack with those they have (<see cref="Function.QueryForm"/>):
    /// values within 1e-15 relative instead of the same bits.</param>
    public static L BlockFree(Expr tree, Func<string, L> argument, bool forQueries = false)
    {
        var names = FreeNames.Of(tree);
        var scope = ImmutableDictionary.CreateRange(StringComparer.Ordinal,
            names.Select(n => KeyValuePair.Create(n, argument(n) is { } e && e.Type == typeof(double) ? e
                : throw new ArgumentException($"the expression for `{n}` must be of type double", nameof(argument)))));
        return new LinqCompiler { blockFree = true, forQueries = forQueries }.Lower(tree, scope);
    }

    /// <summary>A lambda with one <c>double</c> parameter per formula parameter, of the given delegate type.</summary>
    public static LambdaExpression ToLambda(Type delegateType, Expr tree, IReadOnlyList<string> parameters, int rerollNodes = int.MaxValue)
    {
        var ps = parameters.Select(p => L.Parameter(typeof(double), p)).ToList();
        var scope = ImmutableDictionary.CreateRange(StringComparer.Ordinal, ps.Select(p => KeyValuePair.Create(p.Name!, (L)p)));
        return Lambda(delegateType, tree, scope, ps, rerollNodes);
    }

    // the lambda over `parameters` computing the tree, whose free names the scope binds to them
    private static LambdaExpression Lambda(Type delegateType, Expr tree, ImmutableDictionary<string, L> scope, IReadOnlyList<ParameterExpression> parameters,
        int rerollNodes)
    {
        // a large tree goes through the one splitter: as statements, cut into methods the JIT optimizes
        if (IsLarge(tree))
        {
            return L.Lambda(delegateType, LargeBody(tree, scope, parameters, Reroll.Applies(tree, rerollNodes)), "formula", parameters);
        }

        var compiler = new LinqCompiler();
        return L.Lambda(delegateType, compiler.Wrap([compiler.Lower(tree, scope)]), "formula", parameters);
    }

    /// <summary>The statements as one block that declares every local this compiler created.</summary>
    internal L Wrap(List<L> statements)
    {
        return locals.Count == 0 && statements is [{ Type: var type } only] && type == typeof(double)
            ? only
            : L.Block(typeof(double), locals, statements);
    }

    /// <summary>A local of another type than double, declared with this compiler's locals.</summary>
    internal ParameterExpression NewLocal(string name, Type type)
    {
        var local = L.Variable(type, name);
        locals.Add(local);
        return local;
    }

    // a local of this compiler's number type
    internal L NewLocal(string name)
    {
        var local = L.Variable(number, name);
        locals.Add(local);
        return local;
    }

    /// <summary>Lowers a tree whose free names are bound to the given expressions.</summary>
    internal L Lower(Expr e, ImmutableDictionary<string, L> scope)
    {
        Guards.Stack("compile");

        return e switch
        {
            Number n => Const(n.Value),
            Variable v => scope.TryGetValue(v.Name, out var p) ? p
                : throw Guards.UnknownName(v.Name),
            Sum s => LowerSum(s, scope),
            Product p => LowerProduct(p, scope),
            Power p => LowerPower(Lower(p.Base, scope), p.Exponent, scope),
            Call { Function: { IsConstant: true } f } => Const(f.ConstantValue),
            Call c => LowerCall(c, scope),
            Let l => LowerLet(l, scope),
            _ => throw Guards.UnknownNode(e),
        };
    }

    // the shapes (Steps): a sum or product is its first operand and steps applied left to right
    private L LowerSum(Sum s, ImmutableDictionary<string, L> scope) => LowerSeries(Steps.Of(s), scope);

    private L LowerProduct(Product p, ImmutableDictionary<string, L> scope) => LowerSeries(Steps.Of(p), scope);

    private L LowerSeries(Steps.Series chain, ImmutableDictionary<string, L> scope)
    {
        var first = Lower(chain.First, scope);
        if (chain.Negate)
        {
            first = Fold(L.Negate(first), v => -v[0]);
        }

        return Accumulate(first, [.. chain.Rest.Select<Steps.Step, Func<L, L>>(link => acc => Step(link, acc, scope))]);
    }

    private L Step(Steps.Step link, L acc, ImmutableDictionary<string, L> scope) => Step(link.Op, acc, Lower(link.Operand, scope));

    // acc op operand, folded when both are constants
    private static L Step(ExpressionType op, L acc, L operand) => op switch
    {
        ExpressionType.Add => Fold(L.Add(acc, operand), v => v[0] + v[1]),
        ExpressionType.Subtract => Fold(L.Subtract(acc, operand), v => v[0] - v[1]),
        ExpressionType.Multiply => Fold(L.Multiply(acc, operand), v => v[0] * v[1]),
        _ => Fold(L.Divide(acc, operand), v => v[0] / v[1]),
    };

    // Applies the steps left to right: nested for short chains, as assignments to one local for long ones,
    // so a million-term sum is not a million-deep expression.
    private L Accumulate(L first, IReadOnlyList<Func<L, L>> steps)
    {
        if (steps.Count <= MaxNestedSteps || blockFree)
        {
            return steps.Aggregate(first, (acc, step) => step(acc));
        }

        var acc = NewLocal("acc");
        var statements = new List<L>(steps.Count + 2) { L.Assign(acc, first) };
        statements.AddRange(steps.Select(step => L.Assign(acc, step(acc))));
        statements.Add(acc);
        return L.Block(number, statements);
    }

    private L LowerPower(L b, Expr exponent, ImmutableDictionary<string, L> scope) =>
        exponent is Number { Value: var n } && Steps.IsUnrolled(n)
            ? b is ConstantExpression { Value: double c } ? Const(Steps.UnrolledPower(c, (int)n)) : Unrolled(b, (int)n)
            : Pow(b, Lower(exponent, scope));

    private static L Pow(L b, L exponent) => Fold(L.Call(typeof(Math).GetMethod(nameof(Math.Pow))!, b, exponent), v => Math.Pow(v[0], v[1]));

    // One temporary serves every unrolled power: { base = u; base*base } reads it only after u, which may
    // hold another such block, is done, so no two uses overlap. Fewer locals keep the JIT tracking them all.
    private L? powerBase;

    // u**n as multiplications of one evaluation of u: u*u, u*u*u, (u*u)*(u*u), 1/u, 1/(u*u), ...
    private L Unrolled(L b, int n)
    {
        if (n == 0)
        {
            return Const(1.0);
        }

        var simple = b is ParameterExpression || blockFree;
        var t = simple ? b : powerBase ??= NewLocal("base");
        var power = Steps.UnrolledPower(t, n, new Arithmetic(this));
        return simple ? power : L.Block(number, L.Assign(t, b), power);
    }

    // the unrolled power's arithmetic as expressions (its one is this compiler's constant, a lane when vectorised)
    private readonly struct Arithmetic(LinqCompiler compiler) : Steps.IArithmetic<L>
    {
        public L One => compiler.Const(1.0);

        public L Multiply(L a, L b) => L.Multiply(a, b);

        public L Reciprocal(L a) => L.Divide(compiler.Const(1.0), a);
    }

    private L LowerCall(Call c, ImmutableDictionary<string, L> scope) => LowerCall(c, [.. c.Arguments.Select(a => Lower(a, scope))]);

    private L LowerCall(Call c, L[] args)
    {
        if (number != typeof(double))
        {
            return L.Call(c.Function.VectorMethod!, args);
        }

        if (forQueries && c.Function.QueryForm?.Invoke(args) is { } lowered)
        {
            return lowered;
        }

        // a function defined by a formula, written in place: always for a query provider (which cannot call a
        // compiled delegate), else when small; each argument computed once unless the expression must be block-free
        if (c.Function.Body is { } inline && (blockFree || (c.Function.InlineNodes <= MaxInlineNodes && !args.All(a => a is ConstantExpression))))
        {
            var inner = ImmutableDictionary<string, L>.Empty;
            var statements = new List<L>();
            for (var i = 0; i < args.Length; i++)
            {
                var value = args[i];
                if (!blockFree && value is not (ParameterExpression or ConstantExpression))
                {
                    var local = NewLocal(c.Function.ParameterNames[i]);
                    statements.Add(L.Assign(local, value));
                    value = local;
                }

                inner = inner.SetItem(c.Function.ParameterNames[i], value);
            }

            statements.Add(Lower(inline, inner));
            return statements.Count == 1 ? statements[0] : L.Block(number, statements);
        }

        return Fold(c.Function.CallExpression(args), v => c.Function.Invoke(v));
    }

    private L LowerLet(Let let, ImmutableDictionary<string, L> scope)
    {
        if (blockFree)
        {
            foreach (var binding in let.Bindings)
            {
                scope = scope.SetItem(binding.Name, Lower(binding.Value, scope));
            }

            return Lower(let.Body, scope);
        }

        var statements = new List<L>();
        foreach (var binding in let.Bindings)
        {
            var local = NewLocal(binding.Name);
            statements.Add(L.Assign(local, Lower(binding.Value, scope)));
            scope = scope.SetItem(binding.Name, local);
        }

        statements.Add(Lower(let.Body, scope));
        return L.Block(number, statements);
    }

    // a function defined by a formula is written in place up to this many nodes, and called above
    private const int MaxInlineNodes = 256;

    // A node whose operands are all constants becomes the constant the compiled code would compute.
    private static L Fold(L node, Func<double[], double> evaluate)
    {
        var operands = node switch
        {
            BinaryExpression b => [b.Left, b.Right],
            UnaryExpression u => [u.Operand],
            MethodCallExpression m => m.Arguments.ToArray(),
            _ => Array.Empty<L>(),
        };
        return operands.Length > 0 && operands.All(o => o is ConstantExpression { Value: double })
            ? L.Constant(evaluate([.. operands.Select(o => (double)((ConstantExpression)o).Value!)]))
            : node;
    }
}
