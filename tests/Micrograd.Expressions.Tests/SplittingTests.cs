using System.Globalization;
using System.Linq.Expressions;
using System.Text;
using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

/// <summary>
/// A large formula with no run to reroll goes through the one splitter (Compilation/Locals), as its gradient does:
/// it is cut into several methods, and every tier still gives the oracle's bits.
/// </summary>
[TestFixture]
public class SplittingTests
{
    private static readonly FormulaOptions Large = new() { MaxNodes = 1_000_000, MaxCompiledNodes = 1_000_000 };

    // random terms of a few hundred nodes (calls, quotients, powers, bindings), none repeating another's shape
    private static string Text(int seed, int terms)
    {
        var random = new Random(seed);
        string Number() => (random.Next(1, 40) / 8.0).ToString("R", CultureInfo.InvariantCulture);
        string Gen(int depth) => depth == 0 || random.Next(9) == 0
            ? random.Next(3) switch { 0 => "x", 1 => "y", _ => Number() }
            : random.Next(8) switch
            {
                0 => $"({Gen(depth - 1)} + {Gen(depth - 1)})",
                1 => $"({Gen(depth - 1)} - {Gen(depth - 1)})",
                2 => $"({Gen(depth - 1)} * {Gen(depth - 1)})",
                3 => $"sin({Gen(depth - 1)})",
                4 => $"({Gen(depth - 1)} / (1 + {Gen(depth - 1)}**2))",
                5 => $"tanh({Gen(depth - 1)})",
                6 => $"(let u = {Gen(depth - 1)} in u*u - u)",
                _ => $"({Gen(depth - 1)})**3",
            };
        var text = new StringBuilder("fun x y -> ");
        for (var i = 0; i < terms; i++)
        {
            text.Append(i == 0 ? "" : i % 3 == 0 ? " - " : " + ").Append(Gen(8));
        }

        return text.ToString();
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void LargeFormula_NoRunToReroll_SplitIntoMethodsWithTheOraclesBits(int seed)
    {
        var formula = Formula.Parse(Text(seed, 150), Large);
        var lambda = Compilation.LinqCompiler.ToArrayLambda(formula.Core, formula.Parameters);
        var methods = new MethodCounter();
        methods.Visit(lambda);
        Assert.That(methods.Count, Is.GreaterThan(1), $"seed {seed}: a formula of {formula.ToString().Length} characters is cut into methods");

        var compiled = formula.Compile();
        var typed = formula.Compile<Func<double, double, double>>();
        var gradient = formula.CompileGradient();
        var xs = new[] { -1.5, -0.25, 0.0, 0.5, 1.75 };
        var batch = new double[xs.Length];
        formula.EvaluateBatch([xs, [.. xs.Select(x => 0.75 - x)]], batch);
        for (var i = 0; i < xs.Length; i++)
        {
            var p = new[] { xs[i], 0.75 - xs[i] };
            var oracle = Interpreter.Evaluate(formula.Tree, new Dictionary<string, double> { ["x"] = p[0], ["y"] = p[1] }, out _);
            var values = new[] { compiled(p), typed(p[0], p[1]), batch[i], gradient(p, new double[2]), formula.Evaluate(p) };
            Assert.That(values.All(v => BitConverter.DoubleToInt64Bits(v) == BitConverter.DoubleToInt64Bits(oracle)), Is.True,
                $"seed {seed} at ({p[0]}, {p[1]}): oracle {oracle:R}; Compile(), Compile<T>(), EvaluateBatch, CompileGradient's value, Evaluate = {string.Join(", ", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}");
        }
    }

    // compiled methods the lambda calls: each is a delegate constant it invokes
    private sealed class MethodCounter : ExpressionVisitor
    {
        public int Count { get; private set; }

        protected override Expression VisitInvocation(InvocationExpression node)
        {
            if (node.Expression is ConstantExpression { Value: Delegate })
            {
                Count++;
            }

            return base.VisitInvocation(node);
        }
    }
}
