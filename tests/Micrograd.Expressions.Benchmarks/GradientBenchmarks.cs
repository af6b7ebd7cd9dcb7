using BenchmarkDotNet.Attributes;
using Micrograd.Expressions.Calculus;

namespace Micrograd.Expressions.Benchmarks;

/// <summary>The whole gradient of the extended Rosenbrock function, against one evaluation of it.</summary>
[MemoryDiagnoser]
public class GradientBenchmarks
{
    private Func<double[], double> value = _ => 0;
    private GradientFunction gradient = (_, _) => 0;
    private Func<double[], double>[] partials = [];
    private double[] point = [];
    private double[] g = [];

    [Params(2, 10, 100, 1000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var formula = Formula.Parse(Workload.ExtendedRosenbrock(N));
        value = formula.Compile();
        gradient = formula.CompileGradient();
        partials = [.. formula.Parameters.Select(p => formula.Derivative(p).Compile())];
        point = [.. Enumerable.Range(0, N).Select(i => 0.5 + (0.01 * i))];
        g = new double[N];
    }

    [Benchmark(Baseline = true)]
    public double Value() => value(point);

    [Benchmark]
    public double ReverseMode() => gradient(point, g);

    [Benchmark]
    public double SymbolicPartials()
    {
        for (var i = 0; i < partials.Length; i++)
        {
            g[i] = partials[i](point);
        }

        return g[0];
    }

    [Benchmark]
    public double CentralDifferences()
    {
        var estimates = FiniteDifferences.Gradient(value, point, DifferenceMethod.Central);
        return estimates[0].Value;
    }
}
