using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Micrograd.Expressions.Nn;
using static TorchSharp.torch;

namespace Micrograd.Expressions.TorchBenchmarks;

/// <summary>
/// <c>check</c> trains micrograd's demo with TorchSharp for 100 steps and prints its losses next to the engine's;
/// anything else runs the benchmark of one full-batch training step.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["check"])
        {
            var torchDemo = new TorchDemo();
            var engine = Demo.Trainer();
            for (var k = 0; k < 100; k++)
            {
                var ours = engine.StepCompiled(k).Loss;
                var theirs = torchDemo.Step(k);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"step {k} engine {ours:R} torch {theirs:R}"));
            }

            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}

/// <summary>One full-batch training step of micrograd's demo: the engine compiled, the engine eager, TorchSharp.</summary>
[MemoryDiagnoser]
public class TrainingStepBenchmarks
{
    private Trainer compiled = null!;
    private Trainer eager = null!;
    private TorchDemo torchDemo = null!;

    [GlobalSetup]
    public void Setup()
    {
        compiled = Demo.Trainer(slow: true);
        eager = Demo.Trainer(slow: true);
        torchDemo = new TorchDemo(slow: true);
        compiled.StepCompiled(0);
        torchDemo.Step(0);
    }

    [Benchmark(Baseline = true)]
    public double EngineCompiled() => compiled.StepCompiled(1).Loss;

    [Benchmark]
    public double EngineEager() => eager.StepEager(1).Loss;

    [Benchmark]
    public double TorchSharp() => torchDemo.Step(1);
}

/// <summary>The demo's model, with the data of <see cref="Benchmarks.Demo"/>.</summary>
internal static class Demo
{
    public static LabelledPoints Points() => Benchmarks.Demo.Points();

    public static IReadOnlyList<double> Initial() => Benchmarks.Demo.Initial();

    public static Trainer Trainer(bool slow = false)
    {
        var model = new Mlp(2, [16, 16, 1], new Random(1337));
        model.Load(Initial());
        var points = Points();
        return new Trainer(model, points.Inputs, points.Labels, slow ? new TrainingOptions { Steps = 100_000_000, LearningRate = 1e-3 } : null);
    }
}

/// <summary>The demo in TorchSharp: the same weights (micrograd's order: each neuron's weights, then its bias), the same loss and schedule.</summary>
internal sealed class TorchDemo
{
    private readonly Tensor x;
    private readonly Tensor y;
    private readonly Tensor[] parameters;
    private readonly double rate;
    private readonly int steps;

    public TorchDemo(bool slow = false)
    {
        var points = Demo.Points();
        x = tensor(points.Inputs.SelectMany(r => r).ToArray(), [points.Inputs.Count, 2], float64);
        y = tensor(points.Labels.ToArray(), [points.Labels.Count, 1], float64);
        var initial = Demo.Initial();
        var at = 0;
        (Tensor W, Tensor B) Layer(int inputs, int outputs)
        {
            var w = new double[inputs * outputs];
            var b = new double[outputs];
            for (var n = 0; n < outputs; n++)
            {
                for (var i = 0; i < inputs; i++)
                {
                    w[(i * outputs) + n] = initial[at++];
                }

                b[n] = initial[at++];
            }

            return (tensor(w, [inputs, outputs], float64, requires_grad: true), tensor(b, [outputs], float64, requires_grad: true));
        }

        var (w1, b1) = Layer(2, 16);
        var (w2, b2) = Layer(16, 16);
        var (w3, b3) = Layer(16, 1);
        parameters = [w1, b1, w2, b2, w3, b3];
        (rate, steps) = slow ? (1e-3, 100_000_000) : (1.0, 100);
    }

    public double Step(int k)
    {
        using var scope = NewDisposeScope();
        var hidden = nn.functional.relu(x.matmul(parameters[0]) + parameters[1]);
        hidden = nn.functional.relu(hidden.matmul(parameters[2]) + parameters[3]);
        var score = hidden.matmul(parameters[4]) + parameters[5];
        var data = nn.functional.relu(1 - (y * score)).mean();
        var penalty = parameters.Select(p => (p * p).sum()).Aggregate((a, b) => a + b);
        var loss = data + (1e-4 * penalty);
        foreach (var p in parameters)
        {
            p.grad?.zero_();
        }

        loss.backward();
        using (no_grad())
        {
            var learning = rate * (1.0 - (0.9 * k / steps));
            foreach (var p in parameters)
            {
                p.sub_(p.grad! * learning);
            }
        }

        return loss.item<double>();
    }
}
