using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace Micrograd.Expressions.Benchmarks;

/// <summary>
/// Compiling very large formulas: a sum of 1,000,000 terms and a product of 100,000 factors over ten parameters,
/// each compiled from a fresh formula object and called once (the JIT compiles a dynamic method's code on its first
/// call). The baseline is one interpreted evaluation. Peak memory: <c>-- --large-peak sum|product value|gradient</c>.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
[MemoryDiagnoser]
public class LargeFormulaBenchmarks
{
    /// <summary>Raised limits: the defaults refuse formulas this large.</summary>
    public static readonly FormulaOptions Options = new() { MaxLength = 100_000_000, MaxNodes = 10_000_000, MaxCompiledNodes = 10_000_000 };

    private Formula parsed = Formula.Parse("0");
    private double[] point = [];

    [Params("sum1M", "product100k")]
    public string Shape { get; set; } = "sum1M";

    /// <summary><c>c0*x0 + c1*x1 + ...</c> (1,000,000 terms) or <c>(1 + x0/c0) * (1 + x1/c1) * ...</c> (100,000 factors).</summary>
    public static string Text(string shape) => shape.StartsWith("sum", StringComparison.Ordinal)
        ? string.Join(" + ", Enumerable.Range(0, 1_000_000).Select(i => string.Create(CultureInfo.InvariantCulture, $"{(i % 997) + 1}*x{i % 10}")))
        : string.Join(" * ", Enumerable.Range(0, 100_000).Select(i => string.Create(CultureInfo.InvariantCulture, $"(1 + x{i % 10}/{(i % 997) + 1000})")));

    [GlobalSetup]
    public void Setup()
    {
        parsed = Formula.Parse(Text(Shape), Options);
        point = [.. Enumerable.Range(0, parsed.Parameters.Count).Select(i => 0.5 + (i * 0.01))];
    }

    private Formula Fresh() => Formula.FromTree(parsed.Tree, parsed.Parameters, Options);

    [Benchmark(Baseline = true)]
    public double InterpretOnce() => Compilation.Interpreter.Evaluate(parsed.Tree, parsed.Parameters, point);

    [Benchmark]
    public double CompileAndCall() => Fresh().Compile()(point);

    [Benchmark]
    public double CompileGradientAndCall() => Fresh().CompileGradient()(point, new double[point.Length]);

    /// <summary>Parses, compiles and calls once in this process, and prints the times and the process's peak working set.</summary>
    public static void MeasurePeak(string shape, string what)
    {
        var clock = Stopwatch.StartNew();
        var formula = Formula.Parse(Text(shape), Options);
        var parse = clock.Elapsed;
        double[] p = [.. Enumerable.Range(0, formula.Parameters.Count).Select(i => 0.5 + (i * 0.01))];
        clock.Restart();
        var value = what == "gradient" ? formula.CompileGradient()(p, new double[p.Length]) : formula.Compile()(p);
        var compile = clock.Elapsed;
        using var process = Process.GetCurrentProcess();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{shape} {what}: parse {parse.TotalSeconds:F2} s, compile and first call {compile.TotalSeconds:F2} s, value {value:R}, peak working set {process.PeakWorkingSet64 / 1e6:F0} MB"));
    }
}
