using System.Globalization;
using Micrograd.Expressions.Nn;
using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

/// <summary>Neuron, Layer, MLP and training against micrograd's demo: its data, initial weights and loss at every step.</summary>
[TestFixture]
public class NnTests
{
    private static LabelledPoints Moons()
    {
        using var reader = File.OpenText(Repository.Micrograd("moons.csv"));
        return LabelledPoints.ReadCsv(reader);
    }

    private static IReadOnlyList<double> Initial()
    {
        using var reader = File.OpenText(Repository.Micrograd("init_params.txt"));
        return LabelledPoints.ReadNumbers(reader);
    }

    // micrograd's loss and accuracy before each of the 100 updates
    private static List<(double Loss, double Accuracy)> Trajectory() =>
        [.. File.ReadAllLines(Repository.Micrograd("moons_trajectory.txt")).Where(l => l.StartsWith("step ", StringComparison.Ordinal))
            .Select(l => l.Split(' '))
            .Select(w => (double.Parse(w[3], CultureInfo.InvariantCulture), double.Parse(w[5], CultureInfo.InvariantCulture)))];

    private static Trainer DemoTrainer()
    {
        var model = new Mlp(2, [16, 16, 1], new Random(1337));
        model.Load(Initial());
        var moons = Moons();
        return new Trainer(model, moons.Inputs, moons.Labels);
    }

    [Test]
    public void Mlp_DemoShape_MicrogradParametersAndNames()
    {
        var model = new Mlp(2, [16, 16, 1], new Random(1337));
        var parameters = model.Parameters();
        Assert.Multiple(() =>
        {
            Assert.That(parameters, Has.Count.EqualTo(337));
            Assert.That(model.ToString(), Does.StartWith("MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2)"));
            Assert.That(model.ToString(), Does.EndWith("Layer of [LinearNeuron(16)]]"));
            Assert.That(parameters.All(p => p.Data is >= -1 and <= 1), Is.True);

            // for each layer, for each neuron, its weights then its bias (0 by default)
            Assert.That(parameters[2].Data, Is.Zero);
            Assert.That(parameters[5].Data, Is.Zero);
            Assert.That(parameters[(16 * 3) + 16].Data, Is.Zero);
            Assert.That(parameters[^1].Data, Is.Zero);
        });
    }

    [Test]
    public void Mlp_LectureOptions_TanhEverywhereAndRandomBias()
    {
        var model = new Mlp(3, [4, 4, 1], new Random(7), Activation.Tanh, Activation.Tanh, BiasInit.Uniform);
        var output = model.Forward([2.0, 3.0, -1.0])[0];
        Assert.Multiple(() =>
        {
            Assert.That(model.Parameters(), Has.Count.EqualTo(41));
            Assert.That(model.Parameters().Count(p => p.Data == 0), Is.Zero);
            Assert.That(output.Op, Is.EqualTo("tanh"));
            Assert.That(output.Data, Is.InRange(-1.0, 1.0));
        });
    }

    [Test]
    public void Neuron_Forward_SumsBiasFirstAsMicrograd()
    {
        var neuron = new Neuron(2, new Random(1), Activation.Linear);
        neuron.Load([0.5, -2.0, 0.25]);
        var x1 = new Autograd.Value(3.0);
        var x2 = new Autograd.Value(1.5);
        var y = neuron.Forward([x1, x2]);
        y.Backward();
        Assert.Multiple(() =>
        {
            Assert.That(y.Data, Is.EqualTo(0.25 + (0.5 * 3.0) + (-2.0 * 1.5)));
            Assert.That(neuron.Parameters().Select(p => p.Grad), Is.EqualTo(new[] { 3.0, 1.5, 1.0 }));
        });
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Train_MicrogradDemo_MicrogradLossAtEveryStep(bool eager)
    {
        var trainer = DemoTrainer();
        var expected = Trajectory();
        var steps = trainer.Train(eager).ToList();
        var final = trainer.Evaluate();
        Assert.Multiple(() =>
        {
            Assert.That(steps, Has.Count.EqualTo(100));
            foreach (var step in steps)
            {
                var (loss, accuracy) = expected[step.Step];
                Assert.That(step.Loss, Is.EqualTo(loss).Within(1e-9 * loss), $"step {step.Step}: ours {step.Loss:R}, micrograd {loss:R}");
                Assert.That(step.Accuracy, Is.EqualTo(accuracy), $"step {step.Step}");
            }

            Assert.That(final.Loss, Is.EqualTo(0.010977891483772165).Within(1e-9 * 0.010977891483772165));
            Assert.That(final.Accuracy, Is.EqualTo(1.0));
        });
    }

    [Test]
    public void Train_EagerAndCompiled_AgreeAtEveryStep()
    {
        var eager = DemoTrainer();
        var compiled = DemoTrainer();
        for (var k = 0; k < 100; k++)
        {
            var a = eager.StepEager(k);
            var b = compiled.StepCompiled(k);
            Assert.That(b.Loss, Is.EqualTo(a.Loss).Within(1e-12 * a.Loss), $"step {k}: eager {a.Loss:R}, compiled {b.Loss:R}");
            Assert.That(b.Accuracy, Is.EqualTo(a.Accuracy), $"step {k}");
        }
    }

    [Test]
    public void Train_SquaredLossLectureModel_LossFalls()
    {
        var model = new Mlp(3, [4, 4, 1], new Random(42), Activation.Tanh, Activation.Tanh, BiasInit.Uniform);
        double[][] xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]];
        double[] ys = [1.0, -1.0, -1.0, 1.0];
        var options = new TrainingOptions { Loss = LossKind.Squared, L2 = 0, LearningRate = 0.05, LearningRateDecay = 0, Steps = 50 };
        var eager = new Trainer(model, xs, ys, options).Train(eager: true).ToList();
        Assert.That(eager[^1].Loss, Is.LessThan(eager[0].Loss / 10), $"{eager[0].Loss} -> {eager[^1].Loss}");
    }

    [TestCase("x1,x2,y\n1,2\n", "line 2, column 3: 2 columns, but the header has 3")]
    [TestCase("x1,x2,y\n1,abc,1\n", "line 2, column 2: `abc` is not a number")]
    [TestCase("", "the data is empty")]
    [TestCase("x,y\n", "no points")]
    public void ReadCsv_BadData_MessageNamesTheLine(string text, string fragment)
    {
        var error = Assert.Throws<FormatException>(() => LabelledPoints.ReadCsv(new StringReader(text)))!;
        Assert.That(error.Message, Does.Contain(fragment));
    }

    [TestCase(double.NaN, 1.0, "point 1 has a number that is not finite")]
    [TestCase(double.PositiveInfinity, 1.0, "point 1 has a number that is not finite")]
    [TestCase(0.5, double.NaN, "point 1 has a number that is not finite")]
    [TestCase(0.5, 0.0, "the svm loss takes labels -1 and 1; point 1 has 0")]
    [TestCase(0.5, 2.0, "the svm loss takes labels -1 and 1; point 1 has 2")]
    public void Trainer_NonFiniteOrOffLabelPoint_RefusedNamingThePoint(double feature, double label, string fragment)
    {
        var model = new Mlp(1, [2, 1], new Random(1));
        var error = Assert.Throws<ArgumentException>(() => new Trainer(model, [[0.0], [feature]], [1.0, label]))!;
        Assert.That(error.Message, Does.StartWith(fragment), $"feature {feature}, label {label}");
    }

    [Test]
    public void Trainer_SquaredLossAnyFiniteLabel_Accepted()
    {
        var model = new Mlp(1, [2, 1], new Random(1));
        var trainer = new Trainer(model, [[0.0], [1.0]], [0.25, 3.0], new TrainingOptions { Loss = LossKind.Squared });
        Assert.That(double.IsFinite(trainer.Evaluate().Loss), Is.True);
    }

    [TestCase("x,y\n1,1\n2,-1\n", true)]
    [TestCase("x,y\n1,1\n2,0\n", false)]
    public void ReadCsv_AcceptedLabels_OthersRefusedWithLineAndColumn(string text, bool accepted)
    {
        Action read = () => LabelledPoints.ReadCsv(new StringReader(text), [-1.0, 1.0]);
        if (accepted)
        {
            Assert.DoesNotThrow(() => read(), text);
        }
        else
        {
            Assert.That(Assert.Throws<FormatException>(() => read())!.Message, Is.EqualTo("line 3, column 2: the label is 0; the labels must be -1 or 1"), text);
        }
    }
}
