using BenchmarkDotNet.Attributes;
using Micrograd.Expressions.Nn;

namespace Micrograd.Expressions.Benchmarks;

/// <summary>
/// micrograd's demo (MLP 2-16-16-1, 337 parameters, 100 two-moons points, full batch): one training step
/// (forward, gradient, update) compiled and eager, and the whole 100-step run with its compilation. micrograd in
/// Python is timed by docs/performance.md's script on the same machine (it cannot run in this process).
/// </summary>
[MemoryDiagnoser]
public class TrainingBenchmarks
{
    private Trainer compiled = null!;
    private Trainer eager = null!;
    private LabelledPoints points = null!;
    private IReadOnlyList<double> initial = [];
    private int k;

    [GlobalSetup]
    public void Setup()
    {
        points = Demo.Points();
        initial = Demo.Initial();

        compiled = Trainer();
        eager = Trainer();
        compiled.StepCompiled(0);
    }

    // a long schedule, so the learning rate stays positive however many steps BenchmarkDotNet takes
    private Trainer Trainer()
    {
        var model = new Mlp(2, [16, 16, 1], new Random(1337));
        model.Load(initial);
        return new Trainer(model, points.Inputs, points.Labels, new TrainingOptions { Steps = 100_000_000, LearningRate = 1e-3 });
    }

    [Benchmark(Baseline = true)]
    public double CompiledStep() => compiled.StepCompiled(k++ % 1000).Loss;

    [Benchmark]
    public double EagerStep() => eager.StepEager(k++ % 1000).Loss;

    [Benchmark]
    public double WholeDemoCompiled()
    {
        var model = new Mlp(2, [16, 16, 1], new Random(1337));
        model.Load(initial);
        var trainer = new Trainer(model, points.Inputs, points.Labels);
        return trainer.Train().Last().Loss;
    }
}
