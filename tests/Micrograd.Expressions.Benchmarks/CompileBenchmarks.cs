using System.Linq.Expressions;
using BenchmarkDotNet.Attributes;
using FastExpressionCompiler;

namespace Micrograd.Expressions.Benchmarks;

/// <summary>Turning the same LINQ tree into a delegate: Compile, FastExpressionCompiler, the LINQ interpreter, and the engine's own tree walker.</summary>
[MemoryDiagnoser]
public class CompileBenchmarks
{
    private Expression<Func<double[], double>> lambda = _ => 0;
    private Formula formula = Formula.Parse("0");
    private static readonly double[] Point = [0.7, -0.3, 1.4, 0.25];

    [Params("seed", "generated200")]
    public string Name { get; set; } = "seed";

    [GlobalSetup]
    public void Setup()
    {
        formula = Name == "seed" ? Formula.Parse("fun x y a b -> 3*x**2 - 4*x + 5") : Workload.Generated.Parsed;
        lambda = Compilation.LinqCompiler.ToArrayLambda(formula.Tree, formula.Parameters);
    }

    [Benchmark(Baseline = true)]
    public double ExpressionCompile() => lambda.Compile()(Point);

    [Benchmark]
    public double FastExpressionCompiler() => lambda.CompileFast()(Point);

    [Benchmark]
    public double LinqInterpreter() => lambda.Compile(preferInterpretation: true)(Point);

    [Benchmark]
    public double EngineInterpreterOneCall() => Formula.FromTree(formula.Tree, formula.Parameters).Evaluate(Point);
}
