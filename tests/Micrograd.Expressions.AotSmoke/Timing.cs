using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Runtime.Intrinsics;
using Micrograd.Expressions.Nn;

namespace Micrograd.Expressions.AotSmoke;

/// <summary>
/// <c>--time</c>: the cost of the engine's running paths in this build, for docs/performance.md's NativeAOT section.
/// Under the JIT they run compiled code; under NativeAOT, the engine's own evaluator (the engine's tier where no
/// dynamic code can be made). Each line is the best of a hundred short rounds (a millisecond or so: on a loaded machine
/// the best is one that ran uninterrupted), in nanoseconds per call or per point, to two decimals (a batch's point
/// takes a fraction of a nanosecond).
/// Not a test: no result here is compared with anything.
/// </summary>
public static class Timing
{
    /// <summary>Writes one line per path.</summary>
    public static void Run(TextWriter output)
    {
        output.WriteLine($"dynamic code: {System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported}");
        // the lanes the batch loop gets: NativeAOT fixes Vector<T>'s width when it compiles (IlcInstructionSet)
        output.WriteLine($"Vector<double>: {Vector<double>.Count} lanes, accelerated {Vector.IsHardwareAccelerated}; Vector256 accelerated {Vector256.IsHardwareAccelerated}, AVX2 {System.Runtime.Intrinsics.X86.Avx2.IsSupported}");
        var seed = Formula.Parse("3*x**2 - 4*x + 5").Compile<Func<double, double>>();
        Report(output, "scalar seed (ns/call)", 20_000, n => Sum(n, i => seed(i * 1e-6)));
        var neuron = Formula.Parse("tanh(w1*x1 + w2*x2 + w3*x3 + b)").Compile();
        double[] point = [0.5, -0.25, 0.75, 0.1, 0.2, 0.3, 0.05];
        Report(output, "scalar neuron (ns/call)", 10_000, n => Sum(n, i => neuron(point)));
        var rosenbrock = Formula.Parse(string.Join(" + ", Enumerable.Range(1, 99).Select(i => $"100*(x{i + 1} - x{i}**2)**2 + (1 - x{i})**2")));
        var at = Enumerable.Range(0, 100).Select(i => Math.Cos(i)).ToArray();
        var value = rosenbrock.Compile();
        Report(output, "scalar rosenbrock-100 (ns/call)", 200, n => Sum(n, i => value(at)));
        var gradient = rosenbrock.CompileGradient();
        var g = new double[100];
        Report(output, "gradient rosenbrock-100 (ns/call)", 100, n => Sum(n, i => gradient(at, g)));

        var xs = Enumerable.Range(0, 1_000_000).Select(i => i * 1e-6).ToArray();
        var ys = new double[xs.Length];
        var polynomial = Formula.Parse("3*x**2 - 4*x + 5");
        Report(output, "batch seed, 1M points (ns/point)", xs.Length, n => { polynomial.EvaluateBatch(xs, ys); return ys[^1]; });
        var transcendental = Formula.Parse("sin(x)*exp(-x**2)");
        Report(output, "batch sin(x)*exp(-x**2), 1M points (ns/point)", xs.Length, n => { transcendental.EvaluateBatch(xs, ys); return ys[^1]; });

        var inputs = Enumerable.Range(0, 100).Select(i => new[] { Math.Cos(i), Math.Sin(i * 0.7) }).ToList();
        var labels = inputs.Select(p => p[0] * p[1] > 0 ? 1.0 : -1.0).ToList();
        var trainer = new Trainer(new Mlp(2, [16, 16, 1], new Random(1337)), inputs, labels, new TrainingOptions { Steps = 1_000_000 });
        var k = 0;
        Report(output, "training step, micrograd's demo MLP, 100 points (ns/step)", 2, n => Sum(n, i => trainer.StepCompiled(k++).Loss));
    }

    private static double Sum(int n, Func<int, double> call)
    {
        var sum = 0.0;
        for (var i = 0; i < n; i++)
        {
            sum += call(i);
        }

        return sum;
    }

    // the first round warms up (and compiles); the best of the next hundred is printed
    private static void Report(TextWriter output, string name, int count, Func<int, double> run)
    {
        var sink = run(count);
        var best = double.MaxValue;
        for (var round = 0; round < 100; round++)
        {
            var clock = Stopwatch.StartNew();
            sink += run(count);
            best = Math.Min(best, clock.Elapsed.TotalNanoseconds / count);
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {best:F2} (checksum {sink:G6})"));
    }
}
