using System.Linq.Dynamic.Core;
using BenchmarkDotNet.Attributes;
using DynamicExpresso;
using LinqExpression = System.Linq.Expressions.Expression;

namespace Micrograd.Expressions.Benchmarks;

/// <summary>One evaluation of an already compiled formula, engine against peers and hand-written C#.</summary>
[MemoryDiagnoser]
public class ScalarBenchmarks
{
    private double[] point = [];
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
        point = Workload.Point;
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

    [Benchmark(Baseline = true)]
    public double HandWritten() => handWritten(point);

    [Benchmark]
    public double Engine() => engine(point);

    [Benchmark]
    public double DynamicExpresso() => dynamicExpresso(point);

    [Benchmark]
    public double DynamicLinq() => dynamicLinq(point);

    [Benchmark]
    public object? NCalc()
    {
        for (var k = 0; k < Workload.Parameters.Length; k++)
        {
            ncalc.Parameters[Workload.Parameters[k]] = point[k];
        }

        return ncalc.Evaluate();
    }
}
