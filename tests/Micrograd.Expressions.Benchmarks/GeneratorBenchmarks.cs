using BenchmarkDotNet.Attributes;
using Micrograd.Expressions.Calculus;

namespace Micrograd.Expressions.Benchmarks;

/// <summary>
/// A formula compiled with the app by the source generator (docs/generator.md) against the same formula written by
/// hand (a static method and a lambda) and the engine's <c>Compile()</c> delegate. Each invocation evaluates at 1,000
/// points; times are per evaluation.
/// </summary>
public partial class GeneratorBenchmarks
{
    private const int Points = 1000;
    private readonly double[] xs = [.. Enumerable.Range(0, Points).Select(k => 0.5 + (k * 1e-3))];
    private readonly double[] ys = [.. Enumerable.Range(0, Points).Select(k => 1.5 - (k * 1e-3))];
    private readonly double[] gradient = new double[2];
    private Func<double, double, double> lambda = (_, _) => 0;
    private Func<double, double, double> compiled = (_, _) => 0;
    private GradientFunction compiledGradient = (_, _) => 0;

    [Params("seed", "rosenbrock")]
    public string Workload { get; set; } = "seed";

    private const string Seed = "3*x**2 - 4*x + 5 + 0*y";
    private const string Rosenbrock = "(1 - x)**2 + 100*(y - x**2)**2";

    [Formula(Seed)]
    private static partial double SeedGenerated(double x, double y);

    [Formula(Rosenbrock)]
    private static partial double RosenbrockGenerated(double x, double y);

    [Formula(Rosenbrock, Gradient = true)]
    private static partial double RosenbrockGradient(double x, double y, Span<double> gradient);

    private static double SeedByHand(double x, double y) => (3 * x * x) - (4 * x) + 5 + (0 * y);

    private static double RosenbrockByHand(double x, double y) => ((1 - x) * (1 - x)) + (100 * (y - (x * x)) * (y - (x * x)));

    [GlobalSetup]
    public void Setup()
    {
        lambda = Workload == "seed" ? (x, y) => (3 * x * x) - (4 * x) + 5 + (0 * y) : (x, y) => ((1 - x) * (1 - x)) + (100 * (y - (x * x)) * (y - (x * x)));
        compiled = Formula.Parse(Workload == "seed" ? Seed : Rosenbrock).Compile<Func<double, double, double>>();
        compiledGradient = Formula.Parse(Rosenbrock).CompileGradient();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Points)]
    public double HandWrittenMethod()
    {
        var sum = 0.0;
        for (var i = 0; i < Points; i++)
        {
            sum += Workload == "seed" ? SeedByHand(xs[i], ys[i]) : RosenbrockByHand(xs[i], ys[i]);
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Points)]
    public double Generated()
    {
        var sum = 0.0;
        for (var i = 0; i < Points; i++)
        {
            sum += Workload == "seed" ? SeedGenerated(xs[i], ys[i]) : RosenbrockGenerated(xs[i], ys[i]);
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Points)]
    public double HandWrittenLambda()
    {
        var sum = 0.0;
        for (var i = 0; i < Points; i++)
        {
            sum += lambda(xs[i], ys[i]);
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Points)]
    public double CompiledDelegate()
    {
        var sum = 0.0;
        for (var i = 0; i < Points; i++)
        {
            sum += compiled(xs[i], ys[i]);
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Points)]
    public double GeneratedGradient()
    {
        var sum = 0.0;
        for (var i = 0; i < Points; i++)
        {
            sum += RosenbrockGradient(xs[i], ys[i], gradient);
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Points)]
    public double CompiledGradient()
    {
        var sum = 0.0;
        var point = new double[2];
        for (var i = 0; i < Points; i++)
        {
            point[0] = xs[i];
            point[1] = ys[i];
            sum += compiledGradient(point, gradient);
        }

        return sum;
    }
}
