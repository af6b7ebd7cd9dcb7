using System.Globalization;
using BenchmarkDotNet.Attributes;
using DynamicExpresso;

namespace Micrograd.Expressions.Benchmarks;

/// <summary>
/// A formula never seen before, parsed and compiled to a typed delegate: the engine's <c>Compile&lt;T&gt;()</c>
/// (FastExpressionCompiler, Expression.Compile where it declines) against the same LINQ tree through
/// <c>Expression.Compile</c> (what <c>Compile&lt;T&gt;()</c> did before) and DynamicExpresso's parse and compile,
/// without and with the first call (which is where the JIT compiles a dynamic method's code).
/// </summary>
[MemoryDiagnoser]
public class FastCompileBenchmarks
{
    private int counter;

    [ParamsSource(nameof(Names))]
    public string Name { get; set; } = "seed";

    public static IEnumerable<string> Names => Workload.All.Select(w => w.Name);

    private Workload Work => Workload.All.First(w => w.Name == Name);

    // a different constant each call defeats every cache keyed by text or tree
    private string Next() => string.Create(CultureInfo.InvariantCulture, $"{Work.Formula} + {++counter}");

    private string NextCSharp() => string.Create(CultureInfo.InvariantCulture, $"{Work.CSharp} + {++counter}.0");

    [Benchmark(Baseline = true)]
    public Delegate ExpressionCompile() => Typed(Formula.Parse(Next()), system: true);

    [Benchmark]
    public Delegate Engine() => Typed(Formula.Parse(Next()), system: false);

    [Benchmark]
    public double ExpressionCompileAndCall() => Call(Typed(Formula.Parse(Next()), system: true));

    [Benchmark]
    public double EngineAndCall() => Call(Typed(Formula.Parse(Next()), system: false));

    [Benchmark]
    public Formula ParseOnly() => Formula.Parse(Next());

    [Benchmark]
    public System.Linq.Expressions.LambdaExpression ParseAndLinqTree() => Formula.Parse(Next()) switch
    {
        { Parameters.Count: 1 } f => f.ToExpression<Func<double, double>>(),
        { Parameters.Count: 2 } f => f.ToExpression<Func<double, double, double>>(),
        { Parameters.Count: 4 } f => f.ToExpression<Func<double, double, double, double, double>>(),
        var f => f.ToExpression<Func<double, double, double, double, double, double>>(),
    };

    [Benchmark]
    public double DynamicExpressoAndCall() =>
        new Interpreter().ParseAsDelegate<Func<double[], double>>(NextCSharp(), "v")(Work.Point);

    private static Delegate Typed(Formula f, bool system) => f.Parameters.Count switch
    {
        1 => system ? f.ToExpression<Func<double, double>>().Compile() : f.Compile<Func<double, double>>(),
        2 => system ? f.ToExpression<Func<double, double, double>>().Compile() : f.Compile<Func<double, double, double>>(),
        4 => system ? f.ToExpression<Func<double, double, double, double, double>>().Compile() : f.Compile<Func<double, double, double, double, double>>(),
        _ => system ? f.ToExpression<Func<double, double, double, double, double, double>>().Compile() : f.Compile<Func<double, double, double, double, double, double>>(),
    };

    private double Call(Delegate d) => d switch
    {
        Func<double, double> f => f(Work.Point[0]),
        Func<double, double, double> f => f(Work.Point[0], Work.Point[1]),
        Func<double, double, double, double, double> f => f(Work.Point[0], Work.Point[1], Work.Point[2], Work.Point[3]),
        Func<double, double, double, double, double, double> f => f(Work.Point[0], Work.Point[1], Work.Point[2], Work.Point[3], Work.Point[4]),
        _ => throw new InvalidOperationException(),
    };
}
