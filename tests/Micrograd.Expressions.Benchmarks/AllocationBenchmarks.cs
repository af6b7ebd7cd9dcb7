using BenchmarkDotNet.Attributes;

namespace Micrograd.Expressions.Benchmarks;

/// <summary>
/// What one formula costs in allocated bytes (and time) per operation: Parse, Compile (uncached: the LINQ
/// tree built and compiled), CompileGradient (uncached: the formula read again each time) and Derivative,
/// for every benchmark workload.
/// </summary>
[MemoryDiagnoser]
public class AllocationBenchmarks
{
    private Formula formula = Formula.Parse("0");

    [ParamsSource(nameof(Workloads))]
    public Workload Workload { get; set; } = Workload.Seed;

    public static IEnumerable<Workload> Workloads => Workload.All;

    [GlobalSetup]
    public void Setup() => formula = Workload.Parsed;

    [Benchmark(Baseline = true)]
    public Formula Parse() => Formula.Parse(Workload.Formula);

    [Benchmark]
    public Func<double[], double> Compile() => Compilation.LinqCompiler.ToArrayLambda(formula.Tree, formula.Parameters).Compile();

    [Benchmark]
    public Calculus.GradientFunction ParseAndCompileGradient() => Formula.Parse(Workload.Formula).CompileGradient();

    [Benchmark]
    public Formula Derivative() => formula.Derivative(formula.Parameters[0]);
}
