using System.Reflection;
using Micrograd.Expressions.Nn;

namespace Micrograd.Expressions.Playground.Model;

/// <summary>
/// micrograd's two-moons demo as <c>mgx train</c> runs it by default: its 100 points and its 337 initial weights
/// (docs/data/micrograd, embedded in the page), a 2-16-16-1 MLP, the max-margin loss with L2 1e-4, and step k's
/// rate 1 - 0.9k/100. Each step is micrograd's own: the loss as a graph of values, backward, update, as the
/// series teaches it.
/// </summary>
public sealed class MoonsDemo
{
    private readonly Trainer trainer;
    private readonly Mlp model;

    /// <summary>Loads the demo's data and initial weights.</summary>
    public MoonsDemo()
    {
        Points = LabelledPoints.ReadCsv(Open("moons.csv"));
        model = new Mlp(2, [16, 16, 1], new Random(1337));
        model.Load(LabelledPoints.ReadNumbers(Open("init_params.txt")));
        trainer = new Trainer(model, Points.Inputs, Points.Labels);
    }

    /// <summary>The demo's points.</summary>
    public LabelledPoints Points { get; }

    /// <summary>How many steps the schedule has.</summary>
    public int Steps => trainer.Options.Steps;

    /// <summary>Step k: the loss and accuracy before its update.</summary>
    /// <param name="k">The step, from 0.</param>
    /// <returns>micrograd's numbers for that step.</returns>
    public TrainingStep Step(int k) => trainer.StepEager(k);

    /// <summary>The loss and accuracy after the last update (the loss's graph of values, as micrograd computes it).</summary>
    /// <returns>The loss and accuracy.</returns>
    public (double Loss, double Accuracy) Evaluate()
    {
        var (loss, accuracy) = trainer.Loss();
        return (loss.Data, accuracy);
    }

    /// <summary>The network's score at a point (a forward pass of values): its sign is the class.</summary>
    /// <param name="x">The first feature.</param>
    /// <param name="y">The second feature.</param>
    /// <returns>The score.</returns>
    public double Score(double x, double y) => model.Forward([x, y])[0].Data;

    private static StreamReader Open(string name) =>
        new(Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"the page was built without {name}"));
}
