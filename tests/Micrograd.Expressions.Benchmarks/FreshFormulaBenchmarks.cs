using System.Linq.Dynamic.Core;
using BenchmarkDotNet.Attributes;
using DynamicExpresso;
using LinqExpression = System.Linq.Expressions.Expression;

namespace Micrograd.Expressions.Benchmarks;

/// <summary>A formula string never seen before: parse, compile (or not), and evaluate once.</summary>
[MemoryDiagnoser]
public class FreshFormulaBenchmarks
{
    private static readonly double[] Point = [3.0];
    private int counter;

    // a different constant each call defeats every cache keyed by text
    private string Next() => $"3*x**2 - 4*x + {++counter}";

    private string NextCSharp() => $"3.0 * Math.Pow(x, 2.0) - 4.0 * x + {++counter}.0";

    [Benchmark(Baseline = true)]
    public double DynamicExpresso() =>
        new Interpreter().ParseAsDelegate<Func<double, double>>(NextCSharp(), "x")(3.0);

    [Benchmark]
    public double DynamicLinq() =>
        ((Func<double, double>)DynamicExpressionParser.ParseLambda([LinqExpression.Parameter(typeof(double), "x")], typeof(double), NextCSharp()).Compile())(3.0);

    [Benchmark]
    public object? NCalc()
    {
        var e = new NCalc.Expression($"3 * Pow(x, 2) - 4 * x + {++counter}");
        e.Parameters["x"] = 3.0;
        return e.Evaluate();
    }

    [Benchmark]
    public double EngineParseEvaluate() => Formula.Parse(Next()).Evaluate(Point);

    [Benchmark]
    public double EngineParseCompile() => Formula.Parse(Next()).Compile()(Point);

    [Benchmark]
    public Formula EngineParseOnly() => Formula.Parse(Next());
}
