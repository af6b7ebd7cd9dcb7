using BenchmarkDotNet.Attributes;

namespace Micrograd.Expressions.Benchmarks;

/// <summary>
/// A compiled formula that calls a host's .NET function against a hand-written lambda calling the same function:
/// a static method (compiled as a direct call) and a closure (one delegate invoke), 1,000 points per invocation.
/// </summary>
[MemoryDiagnoser]
public class UserFunctionBenchmarks
{
    private const int Points = 1000;
    private const string Text = "2*erf(x) + x";
    private readonly double[] points = [.. Enumerable.Range(0, Points).Select(k => -2 + (k * 0.004))];
    private Func<double, double> handWritten = _ => 0;
    private Func<double, double> engine = _ => 0;
    private Func<double, double> handWrittenClosure = _ => 0;
    private Func<double, double> engineClosure = _ => 0;
    private Func<double, double> engineDefined = _ => 0;
    private Func<double, double> handWrittenCall = _ => 0;
    private Func<double, double> engineCall = _ => 0;
    private Func<double, double> handWrittenDefined = _ => 0;

    [GlobalSetup]
    public void Setup()
    {
        handWritten = x => (2 * Erf(x)) + x;
        engine = Formula.Parse(Text, FormulaContext.Default.WithFunction("erf(x)", (Func<double, double>)Erf, "2/sqrt(pi)*exp(-x**2)"))
            .Compile<Func<double, double>>();
        var scale = 1.0;
        Func<double, double> closure = x => scale * Erf(x);
        handWrittenClosure = x => (2 * closure(x)) + x;
        engineClosure = Formula.Parse(Text, FormulaContext.Default.WithFunction("erf(x)", closure)).Compile<Func<double, double>>();
        handWrittenCall = x => (2 * ErfNotInlined(x)) + x;
        engineCall = Formula.Parse(Text, FormulaContext.Default.WithFunction("erf(x)", (Func<double, double>)ErfNotInlined, "2/sqrt(pi)*exp(-x**2)"))
            .Compile<Func<double, double>>();
        handWrittenDefined = x => (2 * Math.Log(1 + Math.Exp(x))) + x;
        engineDefined = Formula.Parse("2*softplus(x) + x", FormulaContext.Default.WithFunction("softplus(x) = log(1 + exp(x))"))
            .Compile<Func<double, double>>();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Points)]
    public double HandWrittenStatic() => Sum(handWritten);

    [Benchmark(OperationsPerInvoke = Points)]
    public double EngineStatic() => Sum(engine);

    [Benchmark(OperationsPerInvoke = Points)]
    public double HandWrittenStaticNotInlined() => Sum(handWrittenCall);

    [Benchmark(OperationsPerInvoke = Points)]
    public double EngineStaticNotInlined() => Sum(engineCall);

    [Benchmark(OperationsPerInvoke = Points)]
    public double HandWrittenClosure() => Sum(handWrittenClosure);

    [Benchmark(OperationsPerInvoke = Points)]
    public double EngineClosure() => Sum(engineClosure);

    [Benchmark(OperationsPerInvoke = Points)]
    public double HandWrittenSoftplus() => Sum(handWrittenDefined);

    [Benchmark(OperationsPerInvoke = Points)]
    public double EngineDefinedSoftplus() => Sum(engineDefined);

    private double Sum(Func<double, double> f)
    {
        var total = 0.0;
        foreach (var x in points)
        {
            total += f(x);
        }

        return total;
    }

    // the same function, never inlined into its caller: the JIT inlines Erf into a hand-written lambda, but
    // not into the dynamic method of a compiled expression tree
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public static double ErfNotInlined(double x) => Erf(x);

    // Abramowitz and Stegun 7.1.26
    public static double Erf(double x)
    {
        var t = 1 / (1 + (0.3275911 * Math.Abs(x)));
        var y = 1 - ((((((((1.061405429 * t) - 1.453152027) * t) + 1.421413741) * t) - 0.284496736) * t) + 0.254829592) * t * Math.Exp(-x * x);
        return Math.Sign(x) * y;
    }
}
