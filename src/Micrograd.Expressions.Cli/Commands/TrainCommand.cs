using System.CommandLine;
using System.Globalization;
using Micrograd.Expressions.Cli.Operations;
using Micrograd.Expressions.Nn;
using Spectre.Console;

namespace Micrograd.Expressions.Cli.Commands;

/// <summary>
/// <c>mgx train --data moons.csv</c>: trains an MLP as micrograd's demo does (its defaults), with the compiled
/// gradient or, with <c>--eager</c>, micrograd's <c>Value</c> graph and <c>backward()</c>.
/// </summary>
internal static class TrainCommand
{
    public static Command Create(ConsoleIO io)
    {
        var data = new Option<FileInfo?>("--data") { Description = "The points: a CSV file with a header line, the feature columns, then the label (-1 or 1 for the svm loss) [default: micrograd's two moons, built in]." };
        var layers = new Option<string>("--layers") { Description = "Neurons per layer, the last being the output.", DefaultValueFactory = _ => "16,16,1" }
            .Require<Option<string>, string>(l => Training.Sizes(l) is not null, Training.LayersRequirement);
        var activation = Choice("--activation", "The activation of the hidden layers.", "relu", "relu", "tanh");
        var output = Choice("--output", "The activation of the last layer.", "linear", "linear", "tanh");
        var bias = Choice("--bias", "How the biases start: zero (micrograd's nn.py) or uniform(-1, 1) (the lecture).", "zero", "zero", "uniform");
        var loss = Choice("--loss", "svm: mean(relu(1 - y*score)) + l2*sum(p*p) (the demo); squared: sum((score - y)**2) + l2*sum(p*p) (the lecture).", "svm", "svm", "squared");
        var l2 = new Option<double?>("--l2") { Description = "The weight of the L2 penalty [default: 1e-4 with svm, 0 with squared]." }
            .Require<Option<double?>, double?>(v => v is null || (v >= 0 && double.IsFinite(v.Value)), "a finite number, 0 or more");
        var lr = new Option<double>("--lr") { Description = "The learning rate at step 0.", DefaultValueFactory = _ => 1.0 }
            .Require<Option<double>, double>(v => v > 0 && double.IsFinite(v), "a positive finite number");
        var decay = new Option<double>("--lr-decay") { Description = "Step k uses lr*(1 - decay*k/steps).", DefaultValueFactory = _ => 0.9 }
            .Require<Option<double>, double>(v => v is >= 0 and <= 1, "a number from 0 to 1");
        var steps = new Option<int>("--steps") { Description = "How many steps.", DefaultValueFactory = _ => 100 }
            .Require<Option<int>, int>(v => v is >= 1 and <= 1_000_000, "a whole number from 1 to 1000000");
        var seed = new Option<int>("--seed") { Description = "The seed of the initial weights.", DefaultValueFactory = _ => 1337 };
        var init = new Option<FileInfo?>("--init") { Description = "The initial parameters instead, one number per line in micrograd's order (each layer, each neuron, its weights then its bias) [default without --data, --seed and --layers: micrograd's demo weights, built in]." };
        var json = new Option<bool>("--json") { Description = "One JSON line per step, {\"step\":k,\"loss\":...,\"accuracy\":...}, then one for the parameters after the last update (step = steps)." };
        var plot = new Option<FileInfo?>("--plot") { Description = "Draw the decision boundary over the data and the loss curve (.png or .svg)." };
        var eager = new Option<bool>("--eager") { Description = "Train with micrograd's Value graph and Backward() instead of the compiled gradient." };
        var command = new Command("train", "Train a small neural network (micrograd's MLP) on labelled points, as micrograd's two-moons demo.")
        {
            data, layers, activation, output, bias, loss, l2, lr, decay, steps, seed, init, json, plot, eager,
        };
        command.SetAction(result => Report.Run(io, () =>
        {
            // without --data, --seed and --layers: micrograd's demo, weights and all
            var micrograd = result.GetValue(data) is null && (result.GetResult(seed) is null or { Implicit: true }) && (result.GetResult(layers) is null or { Implicit: true });
            var training = Ops.Train(new TrainRequest(
                result.GetValue(data), result.GetValue(layers)!, Parse<Activation>(result.GetValue(activation)!), Parse<Activation>(result.GetValue(output)!),
                Parse<BiasInit>(result.GetValue(bias)!), Parse<LossKind>(result.GetValue(loss)!), result.GetValue(l2), result.GetValue(lr),
                result.GetValue(decay), result.GetValue(steps), result.GetValue(seed), result.GetValue(init), micrograd, result.GetValue(plot), result.GetValue(eager)));
            var asJson = result.GetValue(json);
            Run(io, training, asJson);
            if (training.Request.Picture is { } picture)
            {
                training.Draw();
                if (!asJson)
                {
                    io.Out.WriteLine($"wrote {picture.FullName}");
                }
            }
        }));
        return command;
    }

    // each step as a JSON line, a text line, or (on a terminal) a progress bar; then the result after the last update
    private static void Run(ConsoleIO io, Training training, bool json)
    {
        if (json || !Terminal.IsStdout(io.Out))
        {
            foreach (var step in training.Steps())
            {
                io.Out.WriteLine(json ? Json.Line(new Trained(step))
                    : string.Create(CultureInfo.InvariantCulture, $"step {step.Step} loss {step.Loss:R} accuracy {step.Accuracy:R}"));
            }
        }
        else
        {
            AnsiConsole.Progress().Start(context =>
            {
                var task = context.AddTask(training.Request.Eager ? "training (eager)" : "training", maxValue: training.Request.Steps);
                foreach (var step in training.Steps())
                {
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"step {step.Step} loss {step.Loss:F6} accuracy {step.Accuracy:P0}");
                    task.Increment(1);
                }
            });
        }

        var final = training.Final();
        io.Out.WriteLine(json ? Json.Line(new Trained(final))
            : string.Create(CultureInfo.InvariantCulture, $"after {final.Step} updates: loss {final.Loss:R} accuracy {final.Accuracy:R}"));
    }

    private static Option<string> Choice(string name, string description, string fallback, params string[] values)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => fallback };
        option.AcceptOnlyFromAmong(values);
        return option;
    }

    private static T Parse<T>(string text)
        where T : struct, Enum => Enum.Parse<T>(text, ignoreCase: true);
}
