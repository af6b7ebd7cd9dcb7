using System.Globalization;
using Micrograd.Expressions.Autograd;
using Micrograd.Expressions.Calculus;

namespace Micrograd.Expressions.Nn;

/// <summary>The loss a <see cref="Trainer"/> minimises.</summary>
public enum LossKind
{
    /// <summary>micrograd's demo: <c>mean(relu(1 - y*score)) + l2*sum(p*p)</c>, labels -1 and 1.</summary>
    Svm,

    /// <summary>The lecture's: <c>sum((score - y)**2) + l2*sum(p*p)</c>.</summary>
    Squared,
}

/// <summary>How to train; the defaults are micrograd's demo.</summary>
public sealed record TrainingOptions
{
    /// <summary>The loss; <see cref="LossKind.Svm"/>.</summary>
    public LossKind Loss { get; init; } = LossKind.Svm;

    /// <summary>The weight of the L2 penalty <c>sum(p*p)</c>; 1e-4.</summary>
    public double L2 { get; init; } = 1e-4;

    /// <summary>The learning rate at step 0; 1.0.</summary>
    public double LearningRate { get; init; } = 1.0;

    /// <summary>The decay: step k uses <c>LearningRate*(1 - LearningRateDecay*k/Steps)</c>; 0.9.</summary>
    public double LearningRateDecay { get; init; } = 0.9;

    /// <summary>The number of steps; 100.</summary>
    public int Steps { get; init; } = 100;
}

/// <summary>One step of training: the loss and accuracy before the step's update.</summary>
/// <param name="Step">The step, from 0.</param>
/// <param name="Loss">The loss at the parameters the step started from.</param>
/// <param name="Accuracy">The fraction of points whose score has the sign of their label.</param>
public sealed record TrainingStep(int Step, double Loss, double Accuracy);

/// <summary>
/// Full-batch gradient descent of an <see cref="Mlp"/> on labelled points, as micrograd's demo: at step k the
/// gradient of the loss at the current parameters, then <c>p -= rate(k) * grad</c>. Two paths give the same
/// numbers: <see cref="StepEager"/> builds the <see cref="Value"/> graph and calls <see cref="Value.Backward"/>,
/// as micrograd does; <see cref="StepCompiled"/> calls one compiled gradient of the network's score per point
/// (<see cref="Formula.CompileGradient"/>, compiled once) and adds the loss's own derivative.
/// </summary>
public sealed class Trainer
{
    private readonly Mlp model;
    private readonly IReadOnlyList<Value> parameters;
    private readonly double[][] inputs;
    private readonly double[] labels;
    private readonly Lazy<GradientFunction> score;
    private double[]? point;
    private double[]? pointGradient;

    /// <summary>A trainer for a model on points.</summary>
    /// <param name="model">The network; its parameters are updated in place.</param>
    /// <param name="inputs">The points, one row of <c>model.Inputs</c> numbers each.</param>
    /// <param name="labels">One label per point (-1 or 1 for <see cref="LossKind.Svm"/>).</param>
    /// <param name="options">The loss and the schedule; micrograd's demo when null.</param>
    /// <exception cref="ArgumentException">No points, a label count that differs, a row of another width than the
    /// model's inputs, a number that is not finite, or a label other than -1 and 1 for <see cref="LossKind.Svm"/>.</exception>
    public Trainer(Mlp model, IReadOnlyList<double[]> inputs, IReadOnlyList<double> labels, TrainingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        if (inputs.Count == 0 || inputs.Count != labels.Count)
        {
            throw new ArgumentException($"need one label per point and at least one point; got {inputs.Count} points and {labels.Count} labels", nameof(labels));
        }

        if (inputs.FirstOrDefault(row => row.Length != model.Inputs) is { } bad)
        {
            throw new ArgumentException($"every point needs {model.Inputs} numbers; one has {bad.Length}", nameof(inputs));
        }

        if (model.Layers[^1].Neurons.Count != 1)
        {
            throw new ArgumentException("training needs a network with one output (its score)", nameof(model));
        }

        Options = options ?? new TrainingOptions();
        for (var i = 0; i < inputs.Count; i++)
        {
            if (!inputs[i].All(double.IsFinite) || !double.IsFinite(labels[i]))
            {
                throw new ArgumentException($"point {i} has a number that is not finite", nameof(inputs));
            }

            if (Options.Loss == LossKind.Svm && labels[i] is not (-1.0 or 1.0))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"the svm loss takes labels -1 and 1; point {i} has {labels[i]:R}"), nameof(labels));
            }
        }

        this.model = model;
        parameters = model.Parameters();
        this.inputs = [.. inputs];
        this.labels = [.. labels];
        score = new Lazy<GradientFunction>(CompileScore);
    }

    /// <summary>The loss and the schedule.</summary>
    public TrainingOptions Options { get; }

    /// <summary>The learning rate of step k: <c>LearningRate*(1 - LearningRateDecay*k/Steps)</c>.</summary>
    /// <param name="k">The step.</param>
    /// <returns>The rate.</returns>
    public double Rate(int k) => Options.LearningRate * (1.0 - (Options.LearningRateDecay * k / Options.Steps));

    /// <summary>The loss of the current parameters as a graph, built as micrograd's demo builds it, and the accuracy.</summary>
    /// <returns>The loss value (call <see cref="Value.Backward"/> on it) and the accuracy.</returns>
    public (Value Loss, double Accuracy) Loss()
    {
        var scores = inputs.Select(row => model.Forward([.. row.Select(x => new Value(x))])[0]).ToList();
        Value? data = null;
        for (var i = 0; i < scores.Count; i++)
        {
            var term = Term(Options.Loss, scores[i], labels[i]);
            data = data is null ? 0 + term : data + term;
        }

        var total = Options.Loss == LossKind.Svm ? data! * (1.0 / scores.Count) : data!;
        if (Options.L2 != 0)
        {
            Value? squares = null;
            foreach (var p in parameters)
            {
                squares = squares is null ? 0 + (p * p) : squares + (p * p);
            }

            total += Options.L2 * squares!;
        }

        return (total, Accuracy(scores.Select(s => s.Data)));
    }

    /// <summary>One step as micrograd takes it: build the loss graph, zero the gradients, backpropagate, update.</summary>
    /// <param name="k">The step number, for the learning rate.</param>
    /// <returns>The loss and accuracy before the update.</returns>
    public TrainingStep StepEager(int k)
    {
        var (loss, accuracy) = Loss();
        model.ZeroGrad();
        loss.Backward();
        var rate = Rate(k);
        foreach (var p in parameters)
        {
            p.Data -= rate * p.Grad;
        }

        return new TrainingStep(k, loss.Data, accuracy);
    }

    /// <summary>
    /// One step with the compiled gradient: per point one call of the score's compiled value-and-gradient, the
    /// loss's derivative applied in C#, the same sums in the same order as the graph; then the update. The
    /// parameters' <see cref="Value.Grad"/> receive the gradient.
    /// </summary>
    /// <param name="k">The step number, for the learning rate.</param>
    /// <returns>The loss and accuracy before the update.</returns>
    public TrainingStep StepCompiled(int k)
    {
        var (loss, accuracy, gradient) = Gradient();
        var rate = Rate(k);
        for (var j = 0; j < parameters.Count; j++)
        {
            parameters[j].Grad = gradient[j];
            parameters[j].Data -= rate * gradient[j];
        }

        return new TrainingStep(k, loss, accuracy);
    }

    /// <summary>Every step of the schedule.</summary>
    /// <param name="eager">Train with <see cref="Value.Backward"/> instead of the compiled gradient.</param>
    /// <returns>The steps, lazily: each is taken when enumerated.</returns>
    public IEnumerable<TrainingStep> Train(bool eager = false)
    {
        for (var k = 0; k < Options.Steps; k++)
        {
            yield return eager ? StepEager(k) : StepCompiled(k);
        }
    }

    /// <summary>The loss and accuracy at the current parameters, without a step.</summary>
    /// <returns>The loss and accuracy.</returns>
    public (double Loss, double Accuracy) Evaluate()
    {
        var (loss, accuracy, _) = Gradient();
        return (loss, accuracy);
    }

    /// <summary>The compiled score of the network at a point, for pictures of the decision boundary.</summary>
    /// <param name="x">The point.</param>
    /// <returns>The score.</returns>
    public double Score(IReadOnlyList<double> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var (at, g) = Buffers();
        for (var i = 0; i < x.Count; i++)
        {
            at[parameters.Count + i] = x[i];
        }

        return score.Value(at, g);
    }

    private (double Loss, double Accuracy, double[] Gradient) Gradient()
    {
        var f = score.Value;
        var (at, g) = Buffers();
        var n = parameters.Count;
        var gradient = new double[n];
        var scale = Options.Loss == LossKind.Svm ? 1.0 / inputs.Length : 1.0;
        var data = 0.0;
        var scores = new double[inputs.Length];
        for (var i = 0; i < inputs.Length; i++)
        {
            inputs[i].CopyTo(at, n);
            var s = scores[i] = f(at, g);
            // the loss term and its derivative by the score, as the eager graph computes them
            var (term, derivative) = Term(Options.Loss, new Slope(s, 1), labels[i]);
            var slope = derivative * scale;

            data = i == 0 ? 0 + term : data + term;
            if (slope != 0)
            {
                AddScaled(gradient, g, slope);
            }
        }

        var loss = Options.Loss == LossKind.Svm ? data * scale : data;
        if (Options.L2 != 0)
        {
            var squares = 0.0;
            for (var j = 0; j < n; j++)
            {
                var p = at[j];
                squares += p * p;
                gradient[j] += (p * Options.L2) + (p * Options.L2);
            }

            loss += Options.L2 * squares;
        }

        return (loss, Accuracy(scores), gradient);
    }

    // one point's loss, written once: on the network's score as a Value (eager) and on the compiled score with its
    // derivative (compiled), the same operations in the same order
    private static T Term<T>(LossKind loss, T score, double label)
        where T : ILossArithmetic<T> =>
        loss == LossKind.Svm ? (1 + (-label * score)).Relu() : (score - label).Pow(2);

    // sum[j] += g[j] * slope for the parameters (the first sum.Length entries of g), on vector lanes
    private static void AddScaled(double[] sum, double[] g, double slope)
    {
        var j = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            var scale = new System.Numerics.Vector<double>(slope);
            for (var width = System.Numerics.Vector<double>.Count; j + width <= sum.Length; j += width)
            {
                (new System.Numerics.Vector<double>(sum, j) + (new System.Numerics.Vector<double>(g, j) * scale)).CopyTo(sum, j);
            }
        }

        for (; j < sum.Length; j++)
        {
            sum[j] += g[j] * slope;
        }
    }

    private (double[] At, double[] Gradient) Buffers()
    {
        point ??= new double[parameters.Count + model.Inputs];
        pointGradient ??= new double[parameters.Count + model.Inputs];
        for (var j = 0; j < parameters.Count; j++)
        {
            point[j] = parameters[j].Data;
        }

        return (point, pointGradient);
    }

    private double Accuracy(IEnumerable<double> scores) =>
        scores.Zip(labels, (s, y) => (y > 0) == (s > 0) ? 1.0 : 0.0).Sum() / labels.Length;

    // the network's score as a formula of its parameters and one point, built through Value itself
    private GradientFunction CompileScore()
    {
        var x = Enumerable.Range(0, model.Inputs).Select(i => new Value(0, $"x{i}")).ToList();
        var output = model.Forward(x)[0];
        var leaves = parameters.Concat(x);
        var options = new FormulaOptions { MaxNodes = int.MaxValue, MaxCompiledNodes = int.MaxValue, MaxLength = int.MaxValue };
        return output.ToFormula(leaves, options).CompileGradient();
    }
}
