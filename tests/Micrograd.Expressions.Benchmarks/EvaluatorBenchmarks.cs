using BenchmarkDotNet.Attributes;
using Micrograd.Expressions.Calculus;
using Micrograd.Expressions.Compilation;
using Micrograd.Expressions.Nn;
using EvaluatorProgram = Micrograd.Expressions.Compilation.Program;

namespace Micrograd.Expressions.Benchmarks;

/// <summary>
/// A never-seen seed-sized formula to its first value through a typed delegate: the engine (its own evaluator
/// first), the engine compiling at once (the LINQ path), and DynamicExpresso's <c>ParseAsDelegate</c>.
/// </summary>
[MemoryDiagnoser]
public class EvaluatorFirstValueBenchmarks
{
    private int counter;

    [Benchmark(Baseline = true)]
    public double DynamicExpresso() =>
        new DynamicExpresso.Interpreter().ParseAsDelegate<Func<double, double>>($"3.0 * Math.Pow(x, 2.0) - 4.0 * x + {++counter}.0", "x")(3.0);

    [Benchmark]
    public double EngineCompileFirstCall() => Formula.Parse($"3*x**2 - 4*x + {++counter}").Compile<Func<double, double>>()(3.0);

    [Benchmark]
    public double EngineLinqCompileFirstCall() =>
        DelegateCompiler.Compile(Formula.Parse($"3*x**2 - 4*x + {++counter}").ToExpression<Func<double, double>>())(3.0);
}

/// <summary>
/// The engine's own evaluator against the JIT-compiled delegate of the same formula, one evaluation each (1,000
/// points per invocation): the ratios issue 25 sets for hosts without a JIT, measured here under the JIT as a proxy.
/// </summary>
[MemoryDiagnoser]
public class EvaluatorScalarBenchmarks
{
    private const int Points = 1000;
    private double[][] points = [];
    private Func<double[], double> compiled = _ => 0;
    private Func<double[], double> program = _ => 0;

    [Params("seed", "neuron", "rosenbrock100")]
    public string Workload { get; set; } = "seed";

    [GlobalSetup]
    public void Setup()
    {
        var (text, point) = Workload switch
        {
            "seed" => (Benchmarks.Workload.Seed.Formula, Benchmarks.Workload.Seed.Point),
            "neuron" => (Benchmarks.Workload.Neuron.Formula, Benchmarks.Workload.Neuron.Point),
            _ => (Benchmarks.Workload.ExtendedRosenbrock(100), [.. Enumerable.Range(0, 100).Select(i => 0.5 + (0.01 * i))]),
        };
        var formula = Formula.Parse(text);
        points = [.. Enumerable.Range(0, Points).Select(k => point.Select(v => v * (1 + (k * 1e-4))).ToArray())];
        compiled = DelegateCompiler.Compile(LinqCompiler.ToArrayLambda(formula.Core, formula.Parameters));
        program = EvaluatorProgram.Lower(formula.Core, formula.Parameters).ToArrayDelegate();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Points)]
    public double Compiled() => Sum(compiled);

    [Benchmark(OperationsPerInvoke = Points)]
    public double Evaluator() => Sum(program);

    private double Sum(Func<double[], double> f)
    {
        var sum = 0.0;
        foreach (var p in points)
        {
            sum += f(p);
        }

        return sum;
    }
}

/// <summary>
/// The steady state of a typed delegate from <c>Compile&lt;T&gt;()</c>, which starts on the evaluator and moves to
/// compiled code by itself: against the hand-written lambda and the LINQ-compiled delegate (1,000 points per invocation).
/// </summary>
public class EvaluatorSteadyStateBenchmarks
{
    private const int Points = 1000;
    private readonly double[] xs = [.. Enumerable.Range(0, Points).Select(k => 3.0 * (1 + (k * 1e-4)))];
    private Func<double, double> handWritten = _ => 0;
    private Func<double, double> promoted = _ => 0;
    private Func<double, double> linq = _ => 0;

    [GlobalSetup]
    public void Setup()
    {
        var formula = Formula.Parse("3*x**2 - 4*x + 5");
        handWritten = x => (3 * x * x) - (4 * x) + 5;
        promoted = formula.Compile<Func<double, double>>();
        for (var i = 0; i <= Tiers.PromoteAfterCalls; i++)
        {
            promoted(i);
        }

        linq = DelegateCompiler.Compile(formula.ToExpression<Func<double, double>>());
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Points)]
    public double HandWritten() => Sum(handWritten);

    [Benchmark(OperationsPerInvoke = Points)]
    public double CompileOfT() => Sum(promoted);

    [Benchmark(OperationsPerInvoke = Points)]
    public double LinqCompiled() => Sum(linq);

    private double Sum(Func<double, double> f)
    {
        var sum = 0.0;
        foreach (var x in xs)
        {
            sum += f(x);
        }

        return sum;
    }
}

/// <summary>The evaluator's block loop against the JIT's SIMD loop at 1,000,000 points, on every core as <c>EvaluateBatch</c> runs them.</summary>
public class EvaluatorBatchBenchmarks
{
    private const int N = 1_000_000;
    private readonly double[] x = [.. Enumerable.Range(0, N).Select(i => (i / (double)N * 10) - 5)];
    private readonly double[] y = new double[N];
    private BatchCompiler.Kernel compiled = (_, _, _, _) => { };
    private BatchCompiler.Kernel program = (_, _, _, _) => { };

    [Params("3*x**2 - 4*x + 5", "sin(x)*exp(-x**2/2) + log(x**2 + 1)")]
    public string Text { get; set; } = "3*x**2 - 4*x + 5";

    [GlobalSetup]
    public void Setup()
    {
        var formula = Formula.Parse(Text);
        compiled = BatchCompiler.CompileOrFallBack(formula.Core, formula.Parameters, formula.Compile);
        program = EvaluatorProgram.Lower(formula.Core, formula.Parameters).ToKernel();
    }

    [Benchmark(Baseline = true)]
    public void Compiled() => BatchRunner.Run(compiled, [x], y, N, 0);

    [Benchmark]
    public void Evaluator() => BatchRunner.Run(program, [x], y, N, 0);
}

/// <summary>The gradient of the extended Rosenbrock function at n = 100: the compiled reverse sweep against the evaluator's.</summary>
public class EvaluatorGradientBenchmarks
{
    private readonly double[] point = [.. Enumerable.Range(0, 100).Select(i => 0.5 + (0.01 * i))];
    private readonly double[] g = new double[100];
    private GradientFunction compiled = (_, _) => 0;
    private GradientFunction program = (_, _) => 0;

    [GlobalSetup]
    public void Setup()
    {
        var formula = Formula.Parse(Workload.ExtendedRosenbrock(100));
        compiled = Backpropagation.Compile(formula.Core, formula.Parameters, formula.Options.RerollNodes);
        program = EvaluatorProgram.LowerGradient(formula.Core, formula.Parameters).ToGradientFunction();
    }

    [Benchmark(Baseline = true)]
    public double Compiled() => compiled(point, g);

    [Benchmark]
    public double Evaluator() => program(point, g);
}

/// <summary>micrograd's demo training step (MLP 2-16-16-1, 100 points): the compiled gradient against the evaluator's.</summary>
public class EvaluatorTrainingBenchmarks
{
    private Trainer trainer = null!;
    private int k;

    [Params(true, false)]
    public bool CodeGeneration { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var model = new Mlp(2, [16, 16, 1], new Random(1337));
        model.Load(Demo.Initial());
        var points = Demo.Points();
        trainer = new Trainer(model, points.Inputs, points.Labels, new TrainingOptions { Steps = 100_000_000, LearningRate = 1e-3 });
        Tiers.CodeGeneration = CodeGeneration;
        for (var i = 0; i <= Tiers.PromoteAfterCalls; i++)
        {
            trainer.StepCompiled(i);
        }
    }

    [Benchmark]
    public double Step() => trainer.StepCompiled(k++ % 1000).Loss;
}
