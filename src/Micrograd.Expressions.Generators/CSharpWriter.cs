using System.Globalization;
using System.Linq.Expressions;
using System.Text;
using Micrograd.Expressions.Calculus;
using L = System.Linq.Expressions.Expression;

namespace Micrograd.Expressions.Generators;

/// <summary>
/// Writes the engine's own lowering (the LINQ lambda that <c>Compile()</c> or <c>CompileGradient()</c> compiles) as C#
/// 7.3 statements: the same operations on the same operands in the same order, so the same bits. A block inside an
/// expression becomes statements before it, and an operand computed before such a block is kept in a local first,
/// as the expression tree evaluates it before the block runs. Numbers are written so that they read back the same
/// double; <c>System.Math</c> methods are called as they are, the engine's own functions (<c>Builtins</c>, <c>StrongZero.Times</c>)
/// through the generated <c>FormulaMath</c> class, which computes them as the engine does.
/// </summary>
internal sealed class CSharpWriter
{
    /// <summary>The class the generated methods call for the functions <c>System.Math</c> lacks.</summary>
    public const string MathClass = "global::Micrograd.Expressions.Generated.FormulaMath";

    private readonly StringBuilder body = new();
    private readonly Dictionary<ParameterExpression, string> names = [];
    private readonly Dictionary<L, bool> effects = new(ReferenceEqualityComparer.Instance);
    private readonly List<string> declared = [];
    private readonly IReadOnlyList<string> arguments;
    private readonly HashSet<string> taken;
    private readonly string indent;
    private int temporaries;

    // arguments: the C# expression for each element of the lambda's array parameter (the formula's parameters)
    private CSharpWriter(IReadOnlyList<string> arguments, IEnumerable<string> taken, string indent)
    {
        this.arguments = arguments;
        this.taken = new HashSet<string>(taken, StringComparer.Ordinal);
        this.indent = indent;
    }

    /// <summary>
    /// The statements of a method body that computes <paramref name="lambda"/>, whose first parameter is the
    /// <c>double[]</c> of arguments, read here as <paramref name="arguments"/>; a second array parameter (the gradient)
    /// is written to as <paramref name="gradient"/>. The value is returned through <paramref name="result"/>'s format
    /// (<c>return {0};</c>, <c>return (float){0};</c>).
    /// </summary>
    public static string Body(LambdaExpression lambda, IReadOnlyList<string> arguments, string? gradient, IEnumerable<string> taken, string result, string indent)
    {
        var writer = new CSharpWriter(arguments, taken, indent);
        if (gradient is not null)
        {
            writer.names[lambda.Parameters[1]] = gradient;
        }

        writer.argumentArray = lambda.Parameters[0];
        var reads = new Reads();
        reads.Visit(lambda.Body);
        writer.unread = reads.Unread;
        var value = writer.Value(lambda.Body);
        writer.Line(string.Format(CultureInfo.InvariantCulture, result, value));
        var declarations = writer.declared.Count == 0 ? "" : $"{indent}double {string.Join(", ", writer.declared)};\n";
        return declarations + writer.body;
    }

    private ParameterExpression? argumentArray;

    // locals that are assigned and never read (an unused binding): their values are computed into a discard
    private HashSet<ParameterExpression> unread = [];

    private sealed class Reads : ExpressionVisitor
    {
        private readonly Dictionary<ParameterExpression, int> uses = [];
        private readonly Dictionary<ParameterExpression, int> assigned = [];

        public HashSet<ParameterExpression> Unread => [.. assigned.Keys.Where(p => uses.GetValueOrDefault(p) == assigned[p])];

        protected override L VisitParameter(ParameterExpression node)
        {
            uses[node] = uses.GetValueOrDefault(node) + 1;
            return node;
        }

        // a block's declared variables are not uses
        protected override L VisitBlock(BlockExpression node)
        {
            foreach (var e in node.Expressions)
            {
                Visit(e);
            }

            return node;
        }

        protected override L VisitBinary(BinaryExpression node)
        {
            if (node.NodeType == ExpressionType.Assign && node.Left is ParameterExpression local)
            {
                assigned[local] = assigned.GetValueOrDefault(local) + 1;
            }

            return base.VisitBinary(node);
        }
    }

    private void Line(string statement) => body.Append(indent).Append(statement).Append('\n');

    // a block's statements written, its value returned as an expression
    private string Value(L e)
    {
        if (e is BlockExpression block)
        {
            foreach (var statement in block.Expressions.Take(block.Expressions.Count - 1))
            {
                Statement(statement);
            }

            return Value(block.Expressions[block.Expressions.Count - 1]);
        }

        return Expr(e).Text;
    }

    private void Statement(L e)
    {
        switch (e)
        {
            case BlockExpression block:
                foreach (var statement in block.Expressions)
                {
                    Statement(statement);
                }

                break;
            case BinaryExpression { NodeType: ExpressionType.Assign or ExpressionType.AddAssign } assign:
                var value = Expr(assign.Right).Text;
                if (assign.Left is ParameterExpression unused && unread.Contains(unused))
                {
                    Line($"_ = {value};");
                    break;
                }

                var target = Target(assign.Left);
                if (assign.NodeType == ExpressionType.Assign && target == value)
                {
                    // the lowering stores a value in a local it already is in (a power of a power of one): no effect,
                    // and C# warns of it (CS1717)
                    break;
                }

                Line($"{target} {(assign.NodeType == ExpressionType.Assign ? "=" : "+=")} {value};");
                break;
            case ConstantExpression or ParameterExpression:
                break;
            default:
                throw new NotSupportedException($"the generator does not write the statement {e.NodeType}");
        }
    }

    private string Target(L e) => e switch
    {
        ParameterExpression p => Name(p),
        IndexExpression { Object: ParameterExpression array, Arguments: [ConstantExpression { Value: int i }] } => $"{Name(array)}[{i}]",
        BinaryExpression { NodeType: ExpressionType.ArrayIndex, Left: ParameterExpression array, Right: ConstantExpression { Value: int i } } => $"{Name(array)}[{i}]",
        _ => throw new NotSupportedException($"the generator does not assign to {e.NodeType}"),
    };

    private string Name(ParameterExpression p)
    {
        if (names.TryGetValue(p, out var name))
        {
            return name;
        }

        name = Fresh();
        names[p] = name;
        declared.Add(name);
        return name;
    }

    private string Fresh()
    {
        string name;
        do
        {
            name = $"t{temporaries++}";
        }
        while (taken.Contains(name));

        return name;
    }

    // precedence: 1 additive, 2 multiplicative, 3 unary, 4 primary
    private (string Text, int Precedence) Expr(L e)
    {
        switch (e)
        {
            case ConstantExpression { Value: double d }:
                return Number(d);
            case ParameterExpression p:
                return (Name(p), 4);
            case BinaryExpression { NodeType: ExpressionType.ArrayIndex, Left: var array, Right: ConstantExpression { Value: int i } } when array == argumentArray:
                return (arguments[i], 4);
            case BlockExpression block:
                var text = Value(block);
                return (text, IsSimple(text) ? 4 : 0);
            case UnaryExpression { NodeType: ExpressionType.Negate } negate:
                var operand = Expr(negate.Operand);
                return ("-" + (operand.Precedence < 3 || operand.Text.StartsWith("-", StringComparison.Ordinal) ? $"({operand.Text})" : operand.Text), 3);
            case BinaryExpression { NodeType: ExpressionType.Add or ExpressionType.Subtract or ExpressionType.Multiply or ExpressionType.Divide } binary:
                var precedence = binary.NodeType is ExpressionType.Add or ExpressionType.Subtract ? 1 : 2;
                var left = Kept(Expr(binary.Left), binary.Right);
                var right = Expr(binary.Right);
                var symbol = binary.NodeType switch
                {
                    ExpressionType.Add => "+",
                    ExpressionType.Subtract => "-",
                    ExpressionType.Multiply => "*",
                    _ => "/",
                };
                return ($"{Wrap(left, precedence - 1)} {symbol} {Wrap(right, precedence)}", precedence);
            case MethodCallExpression { Object: null } call:
                var args = new List<string>();
                for (var k = 0; k < call.Arguments.Count; k++)
                {
                    args.Add(Kept(Expr(call.Arguments[k]), call.Arguments.Skip(k + 1)).Text);
                }

                return ($"{Method(call)}({string.Join(", ", args)})", 4);
            default:
                throw new NotSupportedException($"the generator does not write the expression {e.NodeType}");
        }
    }

    private static string Wrap((string Text, int Precedence) operand, int above) =>
        operand.Precedence > above ? operand.Text : $"({operand.Text})";

    private static bool IsSimple(string text) => text.All(c => char.IsLetterOrDigit(c) || c is '_' or '.' or '@');

    // an operand computed before later operands that run statements: kept in a local first, unless it is a
    // number or a parameter of the method, which no statement changes
    private (string Text, int Precedence) Kept((string Text, int Precedence) operand, params IEnumerable<L> later)
    {
        if (!later.Any(HasEffects) || operand.Precedence == 4 && (IsNumber(operand.Text) || arguments.Contains(operand.Text)))
        {
            return operand;
        }

        var local = Fresh();
        Line($"double {local} = {operand.Text};");
        return (local, 4);
    }

    private static bool IsNumber(string text) => text.Length > 0 && (char.IsDigit(text[0]) || text.StartsWith("double.", StringComparison.Ordinal) || text.StartsWith("global::System.BitConverter", StringComparison.Ordinal));

    private bool HasEffects(L e)
    {
        if (effects.TryGetValue(e, out var known))
        {
            return known;
        }

        var result = e switch
        {
            BlockExpression or BinaryExpression { NodeType: ExpressionType.Assign or ExpressionType.AddAssign } => true,
            BinaryExpression b => HasEffects(b.Left) || HasEffects(b.Right),
            UnaryExpression u => HasEffects(u.Operand),
            MethodCallExpression m => m.Arguments.Any(HasEffects),
            _ => false,
        };
        effects[e] = result;
        return result;
    }

    private static string Method(MethodCallExpression call)
    {
        var method = call.Method;
        if (method.DeclaringType == typeof(Math) && method.Name is not ("Cbrt" or "Log2"))
        {
            return "global::System.Math." + method.Name;
        }

        // cbrt and log2: netstandard2.0's Math lacks them, so the table's rows name the polyfills here; FormulaMath writes them out
        if (method.DeclaringType == typeof(Math) || method.DeclaringType == typeof(Builtins) || method.DeclaringType == typeof(StrongZero)
            || (method.DeclaringType == typeof(Polyfill.Polyfills) && method.Name is "Cbrt" or "Log2"))
        {
            return MathClass + "." + method.Name;
        }

        throw new NotSupportedException($"the generator does not call {method.DeclaringType?.Name}.{method.Name}");
    }

    /// <summary>A double as a C# literal that reads back the same bits.</summary>
    public static (string Text, int Precedence) Number(double d)
    {
        if (double.IsNaN(d))
        {
            // a NaN's sign and payload are bits too (a folded acos(2) is not double.NaN's)
            return ($"global::System.BitConverter.Int64BitsToDouble({BitConverter.DoubleToInt64Bits(d).ToString(CultureInfo.InvariantCulture)})", 4);
        }

        if (double.IsInfinity(d))
        {
            return (d > 0 ? "double.PositiveInfinity" : "double.NegativeInfinity", 4);
        }

        var text = d.ToString("R", CultureInfo.InvariantCulture);
        if (double.Parse(text, CultureInfo.InvariantCulture) != d)
        {
            text = d.ToString("G17", CultureInfo.InvariantCulture);
        }

        if (text.IndexOfAny(['.', 'E', 'e']) < 0)
        {
            text += ".0";
        }

        if (d == 0 && BitConverter.DoubleToInt64Bits(d) < 0)
        {
            text = "-0.0";
        }

        return text.StartsWith("-", StringComparison.Ordinal) ? (text, 3) : (text, 4);
    }
}
