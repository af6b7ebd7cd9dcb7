using System.Globalization;
using System.Linq.Expressions;
using Micrograd.Expressions.Autograd;
using Micrograd.Expressions.Calculus;
using Micrograd.Expressions.Nn;

namespace Micrograd.Expressions.AotSmoke;

/// <summary>
/// Every public operation of the engine on a corpus of formulas, each result written as the bits of its doubles
/// (or its text), one line each: the program's output under NativeAOT and under the JIT must be the same text.
/// </summary>
public static class Smoke
{
    /// <summary>Formulas of one parameter <c>x</c>: polynomials, transcendentals, every built-in, lets, local functions.</summary>
    public static readonly string[] OneParameter =
    [
        "3*x**2 - 4*x + 5",
        "sin(x)*exp(-x**2) + log(1 + x**2)",
        "tanh(2*x) + sigmoid(x) - relu(-x) + heaviside(x) + sign(x)",
        "sqrt(abs(x)) + cbrt(x) + abs(x)/(1 + abs(x))",
        "let u = x**2 + 1 in u*log(u) - 1/u",
        "let sq t = t*t in sq(x) + sq(x + 1)",
        "max(x, 0.5, -x) + min(x, 2) + atan2(x, 2) + pow(abs(x), 1.5)",
        "asin(x/10) + acos(x/10) + atan(x) + sinh(x/3) + cosh(x/3) + log10(1 + x*x)",
        "(x - 0)/(x + 1e-300) + -0.0*x + pi*e",
    ];

    /// <summary>The points every formula of one parameter is evaluated at: ordinary values, ±0, ±Inf, NaN, a subnormal.</summary>
    public static readonly double[] Points = [-2.5, -1, -0.0, 0.0, 0.3, 1, 2, 7.25, double.Epsilon, double.PositiveInfinity, double.NegativeInfinity, double.NaN];

    /// <summary>Writes the whole run.</summary>
    public static void Run(TextWriter output)
    {
        foreach (var text in OneParameter)
        {
            Step(output, $"one {text}", () => OneParameterOperations(text));
        }

        Step(output, "rosenbrock", Rosenbrock);
        Step(output, "large", Large);
        Step(output, "batch columns", BatchColumns);
        Step(output, "user functions", UserFunctions);
        Step(output, "selector", Selector);
        Step(output, "derivative checker", Checker);
        Step(output, "value", ValueGraph);
        Step(output, "mlp", Training);
    }

    // one section: its lines, or the failure that stopped it (type and message), never a crash of the whole run
    private static void Step(TextWriter output, string name, Func<IEnumerable<string>> section)
    {
        output.WriteLine($"# {name}");
        try
        {
            foreach (var line in section())
            {
                output.WriteLine(line);
            }
        }
        catch (Exception e)
        {
            output.WriteLine($"FAILED {e.GetType().Name}: {e.Message}");
        }
    }

    private static IEnumerable<string> OneParameterOperations(string text)
    {
        var f = Formula.Parse(text);
        yield return $"text {f}";
        foreach (var dialect in new[] { "G", "csharp", "latex", "dynamic-linq", "sql" })
        {
            yield return $"{dialect} {f.ToString(dialect, CultureInfo.InvariantCulture)}";
        }

        // 20 evaluations each: the formula is interpreted first and moves to compiled code after a few
        var evaluated = new List<double>();
        for (var round = 0; round < 20; round++)
        {
            evaluated.AddRange(Points.Select(x => f.Evaluate(x)));
        }

        yield return $"evaluate {Bits(evaluated)}";
        yield return $"evaluate by name {Bits(Points.Select(x => f.Evaluate(new Dictionary<string, double> { ["x"] = x })))}";
        var compiled = f.Compile();
        yield return $"compile {Bits(Points.Select(x => compiled([x])))}";
        var typed = f.Compile<Func<double, double>>();
        yield return $"compile<T> {Bits(Points.Select(typed))}";
        var tree = f.ToExpression<Func<double, double>>();
        var fromTree = tree.Compile();
        yield return $"expression {Bits(Points.Select(fromTree))}";
        var custom = f.ToExpression(name => Expression.Constant(0.75));
        yield return $"expression(argument) {Bits([Expression.Lambda<Func<double>>(custom).Compile()()])}";

        var gradient = f.CompileGradient();
        var g = new double[1];
        yield return $"gradient {Bits(Points.SelectMany(x => new[] { gradient([x], g), g[0] }))}";
        var back = f.Backpropagate(new Dictionary<string, double> { ["x"] = 0.3 });
        yield return $"backpropagate {Bits([back.Value, .. back.Gradient.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Value)])} nodes {back.Nodes.Count}";

        var derivative = f.Derivative("x");
        yield return $"derivative {derivative}";
        yield return $"derivative values {Bits(Points.Select(x => derivative.Evaluate(x)))}";
        yield return $"second derivative {f.Derivative("x", 2)}";
        yield return $"simplify {f.Simplify()}";

        var xs = Enumerable.Range(0, 1000).Select(i => (i - 500) / 37.0).Concat(Points).ToArray();
        var ys = new double[xs.Length];
        f.EvaluateBatch(xs, ys);
        yield return $"batch {Bits(ys)}";
        var spans = new double[xs.Length];
        f.EvaluateBatch(xs.AsSpan(), spans.AsSpan());
        yield return $"batch span {Bits(spans)}";
    }

    private static IEnumerable<string> Rosenbrock()
    {
        var terms = Enumerable.Range(1, 99).Select(i => $"100*(x{i + 1} - x{i}**2)**2 + (1 - x{i})**2");
        var f = Formula.Parse(string.Join(" + ", terms));
        var point = Enumerable.Range(0, 100).Select(i => Math.Cos(i)).ToArray();
        yield return $"evaluate {Bits([f.Evaluate(point)])}";
        yield return $"compile {Bits([f.Compile()(point)])}";
        var gradient = new double[100];
        var value = f.CompileGradient()(point, gradient);
        yield return $"gradient {Bits([value, .. gradient])}";
        yield return $"derivative x2 {Bits([f.Derivative("x2").Evaluate(point)])}";
    }

    // past 3,000 nodes: the large-formula lowering (statements, hoisted subtrees, rerolled runs)
    private static IEnumerable<string> Large()
    {
        var f = Formula.Parse(string.Join(" + ", Enumerable.Range(1, 400).Select(i => $"sin({i}*x + y)*{i}")));
        double[][] points = [[0.1, 0.2], [-1, 3], [2.5, -0.5]];
        yield return $"evaluate {Bits(points.Select(p => f.Evaluate(p)))}";
        var compiled = f.Compile();
        yield return $"compile {Bits(points.Select(p => compiled(p)))}";
        var gradient = f.CompileGradient();
        var g = new double[2];
        yield return $"gradient {Bits(points.SelectMany(p => new[] { gradient(p, g), g[0], g[1] }))}";
        var back = f.Backpropagate(new Dictionary<string, double> { ["x"] = 0.1, ["y"] = 0.2 });
        yield return $"backpropagate {Bits([back.Value, .. back.Gradient.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Value)])}";
    }

    private static IEnumerable<string> BatchColumns()
    {
        foreach (var text in new[] { "x*y + sqrt(abs(x - y))", "hypot = sqrt(x**2 + y**2)", "exp(-x)*cos(y)" })
        {
            if (!Formula.TryParse(text, out var f, out var error))
            {
                yield return $"refused {error!.Message}";
                continue;
            }

            var x = Enumerable.Range(0, 777).Select(i => i / 10.0 - 30).ToArray();
            var y = x.Select(v => v * 0.5 + 1).ToArray();
            var results = new double[x.Length];
            f.EvaluateBatch([x, y], results);
            yield return $"{text} {Bits(results)}";
        }
    }

    private static IEnumerable<string> UserFunctions()
    {
        var context = FormulaContext.Default
            .WithFunction("sq(t) = t*t")
            .WithFunction("hyp(a, b)", (Func<double, double, double>)((a, b) => Math.Sqrt((a * a) + (b * b))), "a/hyp(a, b)", "b/hyp(a, b)")
            .WithFunction("twice(t)", (Func<double, double>)Twice, "2")
            .WithConstant("g0", 9.80665);
        var f = context.Parse("sq(x) + hyp(x, 3) + twice(x) + g0");
        yield return $"text {f}";
        yield return $"evaluate {Bits(Points.Select(x => f.Evaluate(x)))}";
        var typed = f.Compile<Func<double, double>>();
        yield return $"compile<T> {Bits(Points.Select(typed))}";
        var compiled = f.Compile();
        yield return $"compile {Bits(Points.Select(x => compiled([x])))}";
        var g = new double[1];
        var gradient = f.CompileGradient();
        yield return $"gradient {Bits(Points.SelectMany(x => new[] { gradient([x], g), g[0] }))}";
        yield return $"derivative {f.Derivative("x")}";
        var ys = new double[Points.Length];
        f.EvaluateBatch(Points, ys);
        yield return $"batch {Bits(ys)}";
    }

    private static double Twice(double t) => 2 * t;

    /// <summary>A row type for <see cref="Formula.ToSelector{T}()"/>: a property and a field.</summary>
    public sealed class Row
    {
        /// <summary>A property the selector binds.</summary>
        public double X { get; init; }

        /// <summary>A field the selector binds.</summary>
        public int Y;
    }

    private static IEnumerable<string> Selector()
    {
        var f = Formula.Parse("cosh(x) + y*sign(x) + max(x, y)");
        Row[] rows = [new() { X = 0.5, Y = 2 }, new() { X = -3, Y = -1 }, new() { X = 0, Y = 7 }];
        var selector = f.ToSelector<Row>().Compile();
        yield return $"selector {Bits(rows.Select(selector))}";
        var computed = f.ToSelector(new Dictionary<string, Expression<Func<Row, double>>> { ["y"] = r => r.X * 2 }).Compile();
        yield return $"selector with columns {Bits(rows.Select(computed))}";
    }

    private static IEnumerable<string> Checker()
    {
        var f = Formula.Parse("x**3*sin(y) + exp(x*y)");
        var at = new Dictionary<string, double> { ["x"] = 0.7, ["y"] = -1.2 };
        var check = DerivativeChecker.Check(f, at);
        yield return $"check {check.Ok} {Bits(check.Rows.SelectMany(r => new[] { r.Symbolic, r.Numeric.Value }))}";
        var scan = DerivativeChecker.Scan(f, new Dictionary<string, (double, double)> { ["x"] = (-1, 1), ["y"] = (-2, 2) }, 50);
        yield return $"scan {scan.Count} {scan.All(r => r.Ok)}";
        var sweep = DerivativeChecker.Sweep(f, at, "x");
        yield return $"sweep {Bits(sweep.Select(r => r.Numeric.Value))}";
        var hessian = f.Hessian();
        yield return $"hessian {hessian[0, 0]}; {hessian[0, 1]}; {hessian[1, 1]}";
        yield return $"gradient formulas {string.Join("; ", f.Gradient())}";
    }

    private static IEnumerable<string> ValueGraph()
    {
        var a = new Value(-4.0, "a");
        var b = new Value(2.0, "b");
        var c = a + b;
        var d = (a * b) + b.Pow(3);
        c += c + 1;
        c += 1 + c + (-a);
        d += (d * 2) + (b + a).Relu();
        d += (3 * d) + (b - a).Relu();
        var e = c - d;
        var f = e.Pow(2);
        var g = (f / 2.0) + (10.0 / f) + e.Tanh() + (b * 0.1).Exp() + b.Log() + a.Sigmoid();
        g.Backward();
        yield return $"value {Bits([g.Data, a.Grad, b.Grad])}";
        var formula = g.ToFormula([a, b]);
        yield return $"formula {formula}";
        yield return $"formula value {Bits([formula.Evaluate(-4.0, 2.0)])}";
    }

    private static IEnumerable<string> Training()
    {
        var inputs = Enumerable.Range(0, 30).Select(i => new[] { Math.Cos(i), Math.Sin(i * 0.7) }).ToList();
        var labels = inputs.Select(p => p[0] * p[1] > 0 ? 1.0 : -1.0).ToList();
        foreach (var eager in new[] { true, false })
        {
            var model = new Mlp(2, [8, 8, 1], new Random(1337));
            var trainer = new Trainer(model, inputs, labels, new TrainingOptions { Steps = 5 });
            foreach (var step in trainer.Train(eager))
            {
                yield return $"{(eager ? "eager" : "compiled")} {step.Step} {Bits([step.Loss, step.Accuracy])}";
            }

            yield return $"score {Bits([trainer.Score([0.3, -0.2])])}";
            yield return $"parameters {Bits(model.Parameters().Select(p => p.Data))}";
        }
    }

    // every NaN alike, as the engine's tier agreement has it: which NaN an operation on two NaNs returns (their sign
    // and payload) depends on the order the code takes its operands in, which compiled and interpreted code may differ in
    private static string Bits(IEnumerable<double> values) =>
        string.Join(" ", values.Select(v => double.IsNaN(v) ? "nan" : BitConverter.DoubleToInt64Bits(v).ToString("x16", CultureInfo.InvariantCulture)));
}
