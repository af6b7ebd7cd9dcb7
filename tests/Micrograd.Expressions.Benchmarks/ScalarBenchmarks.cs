using System.Linq.Dynamic.Core;
using BenchmarkDotNet.Attributes;
using DynamicExpresso;
using LinqExpression = System.Linq.Expressions.Expression;

namespace Micrograd.Expressions.Benchmarks;

/// <summary>
/// One evaluation of an already compiled formula, engine against peers and hand-written C#. Each
/// invocation evaluates at 1,000 different points, so calls of a nanosecond are measured well above
/// the harness's own overhead; times are per evaluation.
/// </summary>
[MemoryDiagnoser]
public class ScalarBenchmarks
{
    private const int Points = 1000;
    private double[][] points = [];
    private Func<double[], double> handWritten = _ => 0;
    private Func<double[], double> engine = _ => 0;
    private Func<double[], double> dynamicExpresso = _ => 0;
    private Func<double[], double> dynamicLinq = _ => 0;
    private NCalc.Expression ncalc = new("0");

    [ParamsSource(nameof(Workloads))]
    public Workload Workload { get; set; } = Workload.Seed;

    public static IEnumerable<Workload> Workloads => Workload.All;

    [GlobalSetup]
    public void Setup()
    {
        points = [.. Enumerable.Range(0, Points).Select(k => Workload.Point.Select(v => v * (1 + (k * 1e-4))).ToArray())];
        handWritten = Workload.Name switch
        {
            "seed" => v => (3 * v[0] * v[0]) - (4 * v[0]) + 5,
            "rosenbrock" => v => ((1 - v[0]) * (1 - v[0])) + (100 * (v[1] - (v[0] * v[0])) * (v[1] - (v[0] * v[0]))),
            "neuron" => v => Math.Tanh((v[0] * v[2]) + (v[1] * v[3]) + v[4]),
            _ => Workload.CompileCSharp(),
        };
        engine = Workload.Parsed.Compile();
        dynamicExpresso = new Interpreter().ParseAsDelegate<Func<double[], double>>(Workload.CSharp, "v");
        var v = LinqExpression.Parameter(typeof(double[]), "v");
        dynamicLinq = (Func<double[], double>)DynamicExpressionParser.ParseLambda([v], typeof(double), Workload.DynamicLinq).Compile();
        ncalc = new NCalc.Expression(Workload.NCalc);
        ncalc.EvaluateFunction += (name, args) =>
        {
            if (name == "Tanh")
            {
                args.Result = Math.Tanh(Convert.ToDouble(args.Parameters.Evaluate(0), System.Globalization.CultureInfo.InvariantCulture));
            }
        };
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Points)]
    public double HandWritten() => Sum(handWritten);

    [Benchmark(OperationsPerInvoke = Points)]
    public double Engine() => Sum(engine);

    [Benchmark(OperationsPerInvoke = Points)]
    public double DynamicExpresso() => Sum(dynamicExpresso);

    [Benchmark(OperationsPerInvoke = Points)]
    public double DynamicLinq() => Sum(dynamicLinq);

    private double Sum(Func<double[], double> f)
    {
        var total = 0.0;
        foreach (var p in points)
        {
            total += f(p);
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = Points)]
    public double NCalc()
    {
        var total = 0.0;
        foreach (var p in points)
        {
            for (var k = 0; k < Workload.Parameters.Length; k++)
            {
                ncalc.Parameters[Workload.Parameters[k]] = p[k];
            }

            total += Convert.ToDouble(ncalc.Evaluate(), System.Globalization.CultureInfo.InvariantCulture);
        }

        return total;
    }
}
