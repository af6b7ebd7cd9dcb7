using System.Collections.Immutable;
using System.Linq.Expressions;
using System.Numerics;
using System.Runtime.CompilerServices;
using Micrograd.Expressions.Syntax;
using L = System.Linq.Expressions.Expression;

namespace Micrograd.Expressions.Compilation;

/// <summary>
/// Lowers a formula tree to a System.Linq.Expressions lambda that computes exactly what the tree says, in
/// IEEE order: sums and products left to right, <c>a/b</c> as a division, each let-bound value once (a block
/// local). Small integer powers become multiplications; subtrees over constants are folded at compile time
/// with the same operations the compiled code would run. Long sums and products become a sequence of
/// statements rather than a deep expression, and very many locals live in one array, so any formula the
/// parser accepts compiles.
/// </summary>
internal sealed class LinqCompiler
{
    /// <summary>The largest |n| for which <c>u**n</c> is compiled as repeated multiplication.</summary>
    public const int MaxUnrolledPower = 4;

    // past these sizes a chain becomes statements and locals become array slots (IL allows 65,535 locals)
    private const int MaxNestedChain = 32;
    internal const int MaxIlLocals = 8_192;

    private readonly ParameterExpression? slots;
    private readonly List<ParameterExpression> locals = [];
    private readonly Type number;
    private int slotCount;

    // number: double, or Vector<double> for the lanes of a batch loop (which never uses slots)
    private LinqCompiler(bool useSlots, Type? number = null)
    {
        this.number = number ?? typeof(double);
        slots = useSlots ? L.Variable(typeof(double[]), "slots") : null;
    }

    /// <summary>A compiler for the body of a batch loop: every value a <c>Vector&lt;double&gt;</c>.</summary>
    internal static LinqCompiler ForVectors() => new(false, typeof(Vector<double>));

    /// <summary>A compiler for the scalar body of a batch loop.</summary>
    internal static LinqCompiler ForScalars(Expr tree) => new(CountLocals(tree) > MaxIlLocals);

    /// <summary>The locals this compiler has created, for a caller that builds its own block.</summary>
    internal IReadOnlyList<ParameterExpression> Locals => slots is null ? locals : [slots, .. locals];

    /// <summary>Statements that must run before any code of this compiler: the slots array, the broadcast constants.</summary>
    internal IEnumerable<L> Prologue =>
        (slots is null ? Array.Empty<L>() : [L.Assign(slots, L.NewArrayBounds(typeof(double), L.Constant(slotCount)))])
        .Concat(broadcasts.Select(kv => (L)L.Assign(kv.Value, L.New(typeof(Vector<double>).GetConstructor([typeof(double)])!, L.Constant(kv.Key)))));

    // A vector constant in a compiled lambda would be boxed in its closure and unboxed on every use;
    // a local assigned once before the loop is a register.
    private readonly Dictionary<double, ParameterExpression> broadcasts = [];

    private L Const(double value)
    {
        if (number == typeof(double))
        {
            return L.Constant(value);
        }

        if (!broadcasts.TryGetValue(value, out var local))
        {
            local = L.Variable(number, $"broadcast{broadcasts.Count}");
            broadcasts[value] = local;
            locals.Add(local);
        }

        return local;
    }

    /// <summary>A compiler for statements that another generator assembles and wraps with <see cref="Compilation.Locals.Block"/>.</summary>
    internal static LinqCompiler ForStatements() => new(false);

    /// <summary>A lambda <c>double[] args => ...</c> reading the parameters in order.</summary>
    public static Expression<Func<double[], double>> ToArrayLambda(Expr tree, IReadOnlyList<string> parameters)
    {
        var args = L.Parameter(typeof(double[]), "args");
        var compiler = new LinqCompiler(CountLocals(tree) > MaxIlLocals);
        var scope = ImmutableDictionary.CreateRange(StringComparer.Ordinal,
            parameters.Select((p, i) => KeyValuePair.Create(p, (L)L.ArrayIndex(args, L.Constant(i)))));
        var statements = new List<L> { compiler.Lower(tree, scope) };
        return L.Lambda<Func<double[], double>>(compiler.Wrap(statements), "formula", [args]);
    }

    /// <summary>A lambda with one <c>double</c> parameter per formula parameter, of the given delegate type.</summary>
    public static LambdaExpression ToLambda(Type delegateType, Expr tree, IReadOnlyList<string> parameters)
    {
        var ps = parameters.Select(p => L.Parameter(typeof(double), p)).ToList();
        var compiler = new LinqCompiler(CountLocals(tree) > MaxIlLocals);
        var scope = ImmutableDictionary.CreateRange(StringComparer.Ordinal, ps.Select(p => KeyValuePair.Create(p.Name!, (L)p)));
        return L.Lambda(delegateType, compiler.Wrap([compiler.Lower(tree, scope)]), "formula", ps);
    }

    /// <summary>The statements as one block that declares every local this compiler created.</summary>
    internal L Wrap(List<L> statements)
    {
        if (slots is null)
        {
            return L.Block(typeof(double), locals, statements);
        }

        statements.Insert(0, L.Assign(slots, L.NewArrayBounds(typeof(double), L.Constant(slotCount))));
        return L.Block(typeof(double), locals.Prepend(slots), statements);
    }

    // a double local: an IL local, or an element of the slots array when there are too many
    internal L NewLocal(string name)
    {
        if (slots is not null)
        {
            return L.ArrayAccess(slots, L.Constant(slotCount++));
        }

        var local = L.Variable(number, name);
        locals.Add(local);
        return local;
    }

    /// <summary>Lowers a tree whose free names are bound to the given expressions.</summary>
    internal L Lower(Expr e, ImmutableDictionary<string, L> scope)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new InsufficientExecutionStackException("the formula nests too deeply to compile on this thread");
        }

        return e switch
        {
            Number n => Const(n.Value),
            Variable v => scope.TryGetValue(v.Name, out var p) ? p
                : throw new FormulaException(FormulaErrorKind.Name, $"unknown name `{v.Name}`"),
            Sum s => LowerSum(s, scope),
            Product p => LowerProduct(p, scope),
            Power p => LowerPower(Lower(p.Base, scope), p.Exponent, scope),
            Call { Function: { IsConstant: true } f } => Const(f.ConstantValue),
            Call c => LowerCall(c, scope),
            Let l => LowerLet(l, scope),
            _ => throw new InvalidOperationException($"unknown node {e.GetType().Name}"),
        };
    }

    // ((t0 + t1) + t2) ...; a negated term is a subtraction (a + -b == a - b in IEEE)
    private L LowerSum(Sum s, ImmutableDictionary<string, L> scope) =>
        Accumulate(Lower(s.Terms[0], scope), s.Terms.Skip(1).Select<Expr, Func<L, L>>(term => acc =>
            term is Product { Factors: [Number { Value: -1 }, _, ..] } negated
                ? Fold(L.Subtract(acc, LowerProduct(negated, scope, skipSign: true)), v => v[0] - v[1])
                : Fold(L.Add(acc, Lower(term, scope)), v => v[0] + v[1])).ToList());

    // ((f0 * f1) / f2) ...; a factor u**-1 after the first is a division, as the parser wrote it;
    // a leading -1 is a negation ((-1)*u == -u exactly)
    private L LowerProduct(Product p, ImmutableDictionary<string, L> scope, bool skipSign = false)
    {
        var negate = p.Factors[0] is Number { Value: -1 };
        var start = negate ? 1 : 0;
        var first = Lower(p.Factors[start], scope);
        if (negate && !skipSign)
        {
            first = Fold(L.Negate(first), v => -v[0]);
        }

        return Accumulate(first, p.Factors.Skip(start + 1).Select<Expr, Func<L, L>>(factor => acc =>
            factor is Power { Exponent: Number { Value: -1 } } reciprocal
                ? Fold(L.Divide(acc, Lower(reciprocal.Base, scope)), v => v[0] / v[1])
                : Fold(L.Multiply(acc, Lower(factor, scope)), v => v[0] * v[1])).ToList());
    }

    // Applies the steps left to right: nested for short chains, as assignments to one local for long ones,
    // so a million-term sum is not a million-deep expression.
    private L Accumulate(L first, IReadOnlyList<Func<L, L>> steps)
    {
        if (steps.Count <= MaxNestedChain)
        {
            return steps.Aggregate(first, (acc, step) => step(acc));
        }

        var acc = NewLocal("acc");
        var statements = new List<L>(steps.Count + 2) { L.Assign(acc, first) };
        statements.AddRange(steps.Select(step => L.Assign(acc, step(acc))));
        statements.Add(acc);
        return L.Block(number, statements);
    }

    private L LowerPower(L b, Expr exponent, ImmutableDictionary<string, L> scope)
    {
        if (exponent is Number { Value: var n } && n == Math.Round(n) && Math.Abs(n) <= MaxUnrolledPower)
        {
            return b is ConstantExpression { Value: double c } ? Const(UnrolledPower(c, (int)n)) : Unrolled(b, (int)n);
        }

        return Fold(L.Call(typeof(Math).GetMethod(nameof(Math.Pow))!, b, Lower(exponent, scope)), v => Math.Pow(v[0], v[1]));
    }

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

        var simple = b is ParameterExpression;
        var t = simple ? b : powerBase ??= NewLocal("base");
        L power = Math.Abs(n) switch
        {
            1 => t,
            2 => L.Multiply(t, t),
            3 => L.Multiply(L.Multiply(t, t), t),
            _ => L.Multiply(L.Multiply(t, t), L.Multiply(t, t)),
        };
        if (n < 0)
        {
            power = L.Divide(Const(1.0), power);
        }

        return simple ? power : L.Block(number, L.Assign(t, b), power);
    }

    // the compile-time twin of Unrolled, for a constant base
    internal static double UnrolledPower(double b, int n)
    {
        var magnitude = Math.Abs(n) switch
        {
            0 => 1.0,
            1 => b,
            2 => b * b,
            3 => b * b * b,
            _ => (b * b) * (b * b),
        };
        return n < 0 ? 1.0 / magnitude : magnitude;
    }

    private L LowerCall(Call c, ImmutableDictionary<string, L> scope)
    {
        var args = c.Arguments.Select(a => Lower(a, scope)).ToArray();
        if (number != typeof(double))
        {
            return L.Call(c.Function.VectorMethod!, args);
        }

        return Fold(L.Call(c.Function.Method!, args), v => c.Function.Invoke(v));
    }

    private L LowerLet(Let let, ImmutableDictionary<string, L> scope)
    {
        var statements = new List<L>();
        foreach (var binding in let.Bindings)
        {
            var value = Lower(binding.Value, scope);
            var local = NewLocal(binding.Name);
            statements.Add(L.Assign(local, value));
            scope = scope.SetItem(binding.Name, local);
        }

        statements.Add(Lower(let.Body, scope));
        return L.Block(number, statements);
    }

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

    // an upper bound on the locals a tree needs: one per binding, power temporary and long chain
    private static int CountLocals(Expr tree) => Nodes.Walk(tree, distinct: false).Sum(node => node switch
    {
        Sum s => s.Terms.Length > MaxNestedChain ? 1 : 0,
        Product p => p.Factors.Length > MaxNestedChain ? 1 : 0,
        Power => 1,
        Let l => l.Bindings.Length,
        _ => 0,
    });
}
