using System.Diagnostics;
using System.Globalization;
using System.Text;
using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

/// <summary>
/// Formulas at each documented limit of <see cref="FormulaOptions.Default"/>: every operation either completes
/// or is refused with kind <see cref="FormulaErrorKind.Limit"/>, and grows the test process by less than 2 GB.
/// What each operation cost is written to the test output (docs/security.md quotes it); no time is asserted.
/// </summary>
[TestFixture]
[Category(Categories.Slow)]
[NonParallelizable]
public class BudgetTests
{
    private const long PeakBudget = 2L << 30;

    private static readonly FormulaOptions Defaults = FormulaOptions.Default;

    public static IEnumerable<TestCaseData> AtTheLimits()
    {
        // longest text: 1,000 parameters with names of 990 characters
        var names = Enumerable.Range(0, 1000).Select(i => "p" + new string('q', 985) + i.ToString("D4", CultureInfo.InvariantCulture)).ToList();
        yield return Case("longest text", string.Join("+", names));

        // deepest nesting, three ways
        var depth = Defaults.MaxDepth;
        yield return Case("deepest calls", string.Concat(Enumerable.Repeat("sin(", depth)) + "x" + new string(')', depth));
        yield return Case("deepest parentheses", string.Concat(Enumerable.Repeat("(1 + ", depth)) + "x" + new string(')', depth));
        yield return Case("longest power chain", string.Join("**", Enumerable.Repeat("x", depth + 1)));

        // most nodes: just under MaxNodes, and just under MaxCompiledNodes (the compiling operations' limit)
        yield return Case("most nodes (sum)", Terms(Defaults.MaxNodes / 3 - 1, k => $"x*{k % 7 + 1}", "+"));
        yield return Case("most compiled nodes (sum)", Terms(Defaults.MaxCompiledNodes / 3 - 1, k => $"x*{k % 7 + 1}", "+"));
        yield return Case("most compiled nodes (product)", Terms(Defaults.MaxCompiledNodes / 3 - 1, k => $"(x + {k % 7 + 1})", "*"));
        yield return Case("most compiled nodes (parameters)", Terms(Defaults.MaxCompiledNodes - 1, k => $"p{k}", "+"));

        // most bindings
        yield return Case("most bindings", Chain(Defaults.MaxNodes / 3 - 1));
        yield return Case("most compiled bindings", Chain(Defaults.MaxCompiledNodes / 3 - 1));

        // largest order, on formulas whose derivatives swell
        yield return Case("largest order (sigmoid)", "sigmoid(x)", Defaults.MaxOrder);
        yield return Case("largest order (tower)", "x**x**x", Defaults.MaxOrder);
        yield return Case("largest order (polynomial)", "3*x**5 - 4*x + 5", Defaults.MaxOrder);
    }

    private static TestCaseData Case(string name, string text, int order = 2) => new TestCaseData(name, text, order).SetArgDisplayNames(name);

    private static string Terms(int count, Func<int, string> term, string op) =>
        string.Join(op, Enumerable.Range(0, count).Select(term));

    private static string Chain(int bindings)
    {
        var text = new StringBuilder("let a0 = x\n");
        for (var i = 1; i < bindings; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"let a{i} = x + a{i - 1}\n");
        }

        return text.Append(CultureInfo.InvariantCulture, $"a{bindings - 1}").ToString();
    }

    [TestCaseSource(nameof(AtTheLimits))]
    public void EveryOperation_FormulaAtLimit_CompletesOrLimit(string name, string text, int order)
    {
        Assert.That(text, Has.Length.LessThanOrEqualTo(Defaults.MaxLength), "the case must be within MaxLength");
        Formula formula = null!;
        Run(name, "Parse", () => formula = Formula.Parse(text));
        var n = formula.Parameters.Count;
        var point = Enumerable.Range(0, n).Select(i => 0.5 + (i % 3 * 0.25)).ToArray();
        var named = formula.Parameters.Select((p, i) => KeyValuePair.Create(p, point[i])).ToDictionary();
        var columns = Enumerable.Range(0, n).Select(i => Enumerable.Repeat(point[i], 64).ToArray()).ToArray();

        Run(name, "Evaluate (interpreted)", () => formula.Evaluate(point));
        Run(name, "Evaluate (20 calls, compiled tier)", () => Enumerable.Range(0, 20).Select(_ => formula.Evaluate(point)).Last());
        Run(name, "Compile()", () => formula.Compile()(point));
        if (n == 1)
        {
            Run(name, "Compile<Func<double, double>>()", () => formula.Compile<Func<double, double>>()(point[0]));
        }

        Run(name, "EvaluateBatch", () =>
        {
            var results = new double[64];
            formula.EvaluateBatch(columns, results);
            return results[0];
        });
        Run(name, "CompileGradient", () => formula.CompileGradient()(point, new double[n]));
        Run(name, "Backpropagate", () => formula.Backpropagate(named).Value);
        Run(name, "Derivative", () => formula.Derivative(formula.Parameters[0]).Tree);
        Run(name, $"Derivative (order {order})", () => formula.Derivative(formula.Parameters[0], order).Tree);
        Run(name, "Gradient", () => formula.Gradient().Count);
        Run(name, "Hessian", () => formula.Hessian().Length);
        Run(name, "Simplify", () => formula.Simplify().Tree);
        foreach (var dialect in new[] { "G", "C#", "LaTeX", "DynamicLinq" })
        {
            Run(name, $"ToString(\"{dialect}\")", () => formula.ToString(dialect).Length);
        }
    }

    // a scan's work is counted before any point is checked: past MaxScanWork it is refused, within it done
    [TestCase("sum of 5,000 sines, all the points", 5_000, 100_000, true)]
    [TestCase("sum of 500 sines, all the points, Richardson", 500, 100_000, true)]
    [TestCase("sum of 5,000 sines, 10 points", 5_000, 10, false)]
    [TestCase("x**2 at every point allowed", 0, 100_000, false)]
    public void DerivativeScan_AtTheDefaultLimits_RefusedUpFrontOrDone(string name, int terms, int points, bool refused)
    {
        var formula = Formula.Parse(terms == 0 ? "x**2" : Terms(terms, k => $"sin(x*{k})", " + "));
        var box = new Dictionary<string, (double Min, double Max)> { ["x"] = (-1, 1) };
        Func<object> scan = () => Calculus.DerivativeChecker.Scan(formula, box, points).Count;
        if (refused)
        {
            var error = Assert.Throws<FormulaException>(() => scan())!;
            Assert.That(error.Kind, Is.EqualTo(FormulaErrorKind.Limit), $"{name}: {error.Message}");
            Assert.That(error.Message, Does.Contain("FormulaOptions.MaxScanWork"));
        }
        else
        {
            Run(name, "DerivativeChecker.Scan", scan);
        }
    }

    private sealed record Row(double X);

    // block-free expressions are counted as written: let values, defined bodies (calls of calls multiply) and the
    // query rewrites (tanh writes its argument nine times) at each use; past MaxCompiledNodes refused up front
    [TestCase("f(f(f(f(f(f(f(f(f(f(f(x)))))))))))", true, false)]
    [TestCase("g(g(g(g(g(g(x))))))", true, false)]
    [TestCase("tanh(tanh(tanh(tanh(tanh(tanh(x))))))", false, true)]
    [TestCase("sinh(sinh(sinh(sinh(sinh(sinh(x))))))", false, true)]
    [TestCase("max(x, max(x, max(x, max(x, max(x, max(x, max(x, max(x, max(x, max(x, max(x, max(x, max(x, max(x, max(x, max(x, x))))))))))))))))", false, true)]
    public void BlockFree_GrowsPastMaxCompiledNodesAsWritten_RefusedUpFront(string text, bool alsoExpression, bool onlySelector)
    {
        var context = FormulaContext.Default.WithFunction("f(x) = x*x + x").WithFunction("g(x) = f(x)*f(x)");
        var formula = Formula.Parse(text, context);
        var selector = Assert.Throws<FormulaException>(() => formula.ToSelector<Row>())!;
        Assert.That(selector.Kind, Is.EqualTo(FormulaErrorKind.Limit), $"{text}: {selector.Message}");
        if (alsoExpression)
        {
            var expression = Assert.Throws<FormulaException>(() => formula.ToExpression(_ => System.Linq.Expressions.Expression.Constant(0.5)))!;
            Assert.That(expression.Kind, Is.EqualTo(FormulaErrorKind.Limit), $"{text}: {expression.Message}");
        }

        if (onlySelector)
        {
            var value = System.Linq.Expressions.Expression.Lambda<Func<double>>(formula.ToExpression(_ => System.Linq.Expressions.Expression.Constant(0.5))).Compile()();
            Assert.That(value, Is.EqualTo(formula.Evaluate(0.5)), $"{text}: without the query rewrites it is small");
        }
    }

    [TestCase("f(f(f(x)))")]
    [TestCase("tanh(tanh(tanh(x)))")]
    [TestCase("g(g(x)) + max(x, 1, 2)")]
    public void BlockFree_WithinMaxCompiledNodesAsWritten_Built(string text)
    {
        var context = FormulaContext.Default.WithFunction("f(x) = x*x + x").WithFunction("g(x) = f(x)*f(x)");
        var formula = Formula.Parse(text, context);
        var value = formula.ToSelector<Row>().Compile()(new Row(0.5));
        Assert.That(value, Is.EqualTo(formula.Evaluate(0.5)).Within(1e-14), text);
    }

    // One operation: a result or a limit error, never another exception; it grows the process by less than 2 GB
    // (measured while it runs, above where it began, so what earlier tests left behind does not count).
    private static void Run(string name, string operation, Func<object> work)
    {
        var stopwatch = Stopwatch.StartNew();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var outcome = "done";
        var growth = Memory.PeakGrowth(() =>
        {
            try
            {
                work();
            }
            catch (FormulaException e) when (e.Kind == FormulaErrorKind.Limit)
            {
                outcome = $"limit: {e.Message[..Math.Min(90, e.Message.Length)]}";
            }
        });

        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name} | {operation} | {stopwatch.Elapsed.TotalSeconds:F2} s | {(GC.GetAllocatedBytesForCurrentThread() - before) / 1e6:F0} MB allocated | peak growth {growth / 1e6:F0} MB | {outcome}"));
        Assert.That(growth, Is.LessThan(PeakBudget), $"{name}: {operation} grew the process by {growth / 1e6:F0} MB");
    }
}
