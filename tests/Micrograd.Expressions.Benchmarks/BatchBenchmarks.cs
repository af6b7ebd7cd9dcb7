using System.Numerics;
using BenchmarkDotNet.Attributes;

namespace Micrograd.Expressions.Benchmarks;

/// <summary>The seed polynomial at 1,000,000 points.</summary>
public class BatchBenchmarks
{
    private const int N = 1_000_000;
    private readonly double[] x = [.. Enumerable.Range(0, N).Select(i => (i / (double)N * 10) - 5)];
    private readonly double[] y = new double[N];
    private readonly Formula formula = Formula.Parse("3*x**2 - 4*x + 5");
    private Func<double, double> scalar = _ => 0;

    [GlobalSetup]
    public void Setup()
    {
        scalar = formula.Compile<Func<double, double>>();
        formula.EvaluateBatch(x, y);
    }

    [Benchmark(Baseline = true)]
    public void DelegatePerPoint()
    {
        for (var i = 0; i < x.Length; i++)
        {
            y[i] = scalar(x[i]);
        }
    }

    [Benchmark]
    public void EngineBatch() => formula.EvaluateBatch(x, y);

    [Benchmark]
    public void HandWrittenLoop()
    {
        for (var i = 0; i < x.Length; i++)
        {
            var v = x[i];
            y[i] = (3 * v * v) - (4 * v) + 5;
        }
    }

    [Benchmark]
    public void HandWrittenVectorLoop()
    {
        var width = Vector<double>.Count;
        var three = new Vector<double>(3);
        var four = new Vector<double>(4);
        var five = new Vector<double>(5);
        var i = 0;
        for (; i <= x.Length - width; i += width)
        {
            var v = new Vector<double>(x, i);
            (((three * v * v) - (four * v)) + five).CopyTo(y, i);
        }

        for (; i < x.Length; i++)
        {
            y[i] = (3 * x[i] * x[i]) - (4 * x[i]) + 5;
        }
    }
}

/// <summary>EvaluateBatch at 1,000,000 points on every core against one core, both overloads.</summary>
public class ParallelBatchBenchmarks
{
    private const int N = 1_000_000;
    private readonly double[] x = [.. Enumerable.Range(0, N).Select(i => (i / (double)N * 10) - 5)];
    private readonly double[] y = new double[N];
    private Formula all = null!;
    private Formula one = null!;

    [Params("3*x**2 - 4*x + 5", "sin(x)*exp(-x*x/8) + sqrt(x*x + 1)")]
    public string Text { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        all = Formula.Parse(Text);
        one = Formula.Parse(Text, new FormulaOptions { MaxDegreeOfParallelism = 1 });
        all.EvaluateBatch(x, y);
        one.EvaluateBatch(x, y);
    }

    [Benchmark(Baseline = true)]
    public void OneCore() => one.EvaluateBatch(x, y);

    [Benchmark]
    public void AllCores() => all.EvaluateBatch(x, y);

    [Benchmark]
    public void OneCoreSpan() => one.EvaluateBatch(x.AsSpan(), y.AsSpan());

    [Benchmark]
    public void AllCoresSpan() => all.EvaluateBatch(x.AsSpan(), y.AsSpan());
}
