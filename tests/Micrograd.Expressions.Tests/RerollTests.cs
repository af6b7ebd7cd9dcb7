using System.Globalization;
using System.Linq.Expressions;
using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

/// <summary>
/// Long runs of one shape in a large formula compile to a loop over a table (Compilation/Reroll): every compiled
/// tier still gives the oracle's bits, and the gradient agrees with the tape that differentiates each term on its own.
/// </summary>
[TestFixture]
public class RerollTests
{
    // rerolled from 3,000 nodes (the default waits for 20,000), so formulas of a few thousand terms exercise it
    private static readonly FormulaOptions Large = new() { MaxNodes = 1_000_000, MaxCompiledNodes = 1_000_000, RerollNodes = 3_000 };

    private static readonly string[] Names = ["x0", "x1", "x2", "x3", "x4", "x", "y"];

    private static string C(int k) => (((k * 37) % 101) / 8.0 + 0.5).ToString("R", CultureInfo.InvariantCulture);

    // a name, the operator joining the run, and the run's k-th operand; each formula puts a few irregular terms around two runs
    private static readonly (string Name, string Op, Func<int, string> Term)[] Shapes =
    [
        ("linear", "+", k => $"{C(k)}*x{k % 5}"),
        ("subtracted", "-", k => $"x{k % 5}*y*{C(k)}"),
        ("calls", "+", k => $"sin({C(k)}*x + y)/{C(k + 1)}"),
        ("powers", "+", k => $"((x - {C(k)})**2 + x{k % 3}**3)"),
        ("product", "*", k => $"(1 + x{k % 5}/{1000 + k})"),
        ("quotient", "/", k => $"(1 + y*x{k % 2}/{1000 + k})"),
        ("zero factor", "*", k => $"({k % 2} + y/1000)"),
        ("polynomial", "+", k => $"{C(k)}*(x/3)**{k + 5}"),
        ("alternating signs", "+-", k => $"x{k % 5}*y*{C(k)}"),
        ("two shapes in turn", "+", k => k % 2 == 0 ? $"{C(k)}*(x{k % 5} - x{(k + 1) % 5}**2)**2" : $"(1 - x{k % 5})**2"),
        ("three steps in turn", "*", k => (k % 3) switch { 0 => $"(1 + x{k % 5}/{1000 + k})", 1 => $"(y/{2000 + k} + 1)", _ => $"(1 - x/{3000 + k})**-1" }),
        ("let-bound", "+", k => $"(a*{C(k)} - tanh(a + {C(k)})*x{k % 5})"),
    ];

    private static IEnumerable<string> ShapeNames => Shapes.Select(s => s.Name);

    private static Formula Build(string shape, int count = 1500)
    {
        var (_, op, term) = Shapes.First(s => s.Name == shape);
        // "+-": the terms are added and subtracted in turn (one run: the sign is per term)
        string Join(int from, int n) => op == "+-"
            ? string.Concat(Enumerable.Range(from, n).Select(k => $"{(k % 2 == 0 ? " + " : " - ")}{term(k)}"))[3..]
            : string.Join($" {op} ", Enumerable.Range(from, n).Select(term));
        var joiner = op == "+-" ? "+" : op;
        var text = $"fun {string.Join(" ", Names)} ->\nlet a = x0*2 + y\n(exp(x) {joiner} {Join(0, count)} {joiner} cos(y) {joiner} {Join(count, 100)}) {joiner} (x + 2)";
        return Formula.Parse(text, Large);
    }

    private static double[] Point(int seed)
    {
        var random = new Random(seed);
        return [.. Names.Select(n => n == "y" && seed == 0 ? 0.0 : Math.Round((random.NextDouble() * 4) - 2, 3))];
    }

    [TestCaseSource(nameof(ShapeNames))]
    public void CompiledTiers_LongRunsOfOneShape_RerolledWithTheOraclesBits(string shape)
    {
        var formula = Build(shape);
        Assert.That(Calls(Compilation.LinqCompiler.ToArrayLambda(formula.Core, formula.Parameters, formula.Options.RerollNodes), nameof(Compilation.Reroll.Apply)), Is.EqualTo(2),
            $"{shape}: the two runs are loops");
        var compiled = formula.Compile();
        var typed = formula.Compile<Func<double, double, double, double, double, double, double, double>>();
        for (var seed = 0; seed < 5; seed++)
        {
            var p = Point(seed);
            var oracle = Interpreter.Evaluate(formula.Tree, Names.Zip(p).ToDictionary(v => v.First, v => v.Second), out _);
            var values = new[] { compiled(p), typed(p[0], p[1], p[2], p[3], p[4], p[5], p[6]), formula.Evaluate(p) };
            Assert.That(values.All(v => Bits.Same(v, oracle)), Is.True,
                $"{shape} at ({Text(p)}): oracle {oracle:R}; Compile(), Compile<T>(), Evaluate = {Text(values)}");
        }
    }

    [TestCaseSource(nameof(ShapeNames))]
    public void CompileGradient_LongRunsOfOneShape_AgreesWithTheTapeOfEveryTerm(string shape)
    {
        var formula = Build(shape);
        Assert.That(Calls(Compilation.Backpropagation.GradientLambda(formula.Core, formula.Parameters, formula.Options.RerollNodes), nameof(Compilation.Reroll.Gradient)), Is.EqualTo(2),
            $"{shape}: the two runs are loops");
        var gradient = formula.CompileGradient();
        for (var seed = 0; seed < 3; seed++)
        {
            var p = Point(seed);
            var g = new double[p.Length];
            var value = gradient(p, g);
            // Backpropagate's per-node trace never rerolls: one tape node per operation
            var reference = formula.Backpropagate(Names.Zip(p).ToDictionary(v => v.First, v => v.Second));
            Assert.That(Bits.Same(value, reference.Value), Is.True, $"{shape} at ({Text(p)}): value {value:R}, tape {reference.Value:R}");
            for (var i = 0; i < Names.Length; i++)
            {
                var expected = reference.Gradient[Names[i]];
                Assert.That(Close.Enough(expected, g[i], 1e-12) || (double.IsNaN(expected) && double.IsNaN(g[i])), Is.True,
                    $"{shape} at ({Text(p)}): d/d{Names[i]} rerolled {g[i]:R}, tape {expected:R}");
            }
        }
    }

    // a large formula compiles on the thread pool after the 16th evaluation; until then, and after, Evaluate
    // answers with the same bits
    [Test]
    public void Evaluate_LargeFormula_InterpretedUntilCompiledInBackgroundSameBits()
    {
        var formula = Build("calls");
        var p = Point(1);
        var oracle = Interpreter.Evaluate(formula.Tree, Names.Zip(p).ToDictionary(v => v.First, v => v.Second), out _);
        var calls = 0;
        var deadline = DateTime.UtcNow.AddMinutes(2);   // a liveness bound for the background compile, not a performance check
        while (!formula.IsCompiled && DateTime.UtcNow < deadline)
        {
            var value = formula.Evaluate(p);
            calls++;
            Assert.That(Bits.Same(value, oracle), Is.True, $"call {calls}: {value:R}, oracle {oracle:R}");
        }

        Assert.Multiple(() =>
        {
            Assert.That(formula.IsCompiled, Is.True, $"compiled in the background after {calls} interpreted calls");
            Assert.That(Bits.Same(formula.Evaluate(p), oracle), Is.True, "compiled value");
        });
    }

    // the rerolled terms read the parameters from the delegate's own argument array
    [Test]
    public void Compile_RerolledSum_AllocatesNothingPerCall()
    {
        var formula = Formula.Parse(string.Join(" + ", Enumerable.Range(0, 10_000).Select(k => $"{C(k)}*x{k % 5}")), Large);
        var f = formula.Compile();
        double[] p = [0.5, -1.5, 2.0, 0.25, 3.0];
        var first = f(p);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var second = f(p);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Multiple(() =>
        {
            Assert.That(Calls(Compilation.LinqCompiler.ToArrayLambda(formula.Core, formula.Parameters, formula.Options.RerollNodes), nameof(Compilation.Reroll.Apply)), Is.EqualTo(1), "one run");
            Assert.That(allocated, Is.Zero, $"{allocated} bytes allocated by one call");
            Assert.That(second, Is.EqualTo(first));
        });
    }

    // by default a formula is rerolled from 20,000 nodes (FormulaOptions.RerollNodes): below, straight-line code
    [TestCase(6_000, 0)]
    [TestCase(8_000, 1)]
    public void Compile_DefaultOptions_RerolledFromRerollNodes(int terms, int runs)
    {
        var formula = Formula.Parse(string.Join(" + ", Enumerable.Range(0, terms).Select(k => $"{C(k)}*x{k % 5}")));
        Assert.That(Calls(Compilation.LinqCompiler.ToArrayLambda(formula.Core, formula.Parameters, formula.Options.RerollNodes), nameof(Compilation.Reroll.Apply)),
            Is.EqualTo(runs), $"{terms} terms of 3 nodes, RerollNodes {formula.Options.RerollNodes}");
    }

    [Test]
    public void Compile_RunShorterThanMinimum_StaysStraightLine()
    {
        var text = string.Join(" + ", Enumerable.Range(0, Compilation.Reroll.MinRun - 1).Select(k => $"{C(k)}*sin(x*{k} + y)*cos(x - {k})"))
            + " + " + string.Join(" + ", Enumerable.Range(0, 400).Select(k => $"x**{2 + (System.Numerics.BitOperations.PopCount((uint)k) % 2)}*y**{k}"));
        var formula = Formula.Parse(text, Large);
        Assert.That(Calls(Compilation.LinqCompiler.ToArrayLambda(formula.Core, formula.Parameters, formula.Options.RerollNodes), nameof(Compilation.Reroll.Apply)), Is.Zero,
            "63 steps of one shape, then 400 whose unrolled exponents follow the Thue-Morse sequence (no block repeats three times in a row): no run to reroll");
    }

    private static int Calls(Expression lambda, string method)
    {
        var counter = new CallCounter(method);
        counter.Visit(lambda);
        return counter.Count;
    }

    // counts calls of a Reroll method, looking inside the methods a large formula is split into
    private sealed class CallCounter(string method) : ExpressionVisitor
    {
        public int Count { get; private set; }

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (node.Method.DeclaringType == typeof(Compilation.Reroll) && node.Method.Name == method)
            {
                Count++;
            }

            return base.VisitMethodCall(node);
        }
    }


    private static string Text(IEnumerable<double> values) => string.Join(", ", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
}
