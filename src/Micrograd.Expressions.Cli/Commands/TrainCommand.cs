using System.CommandLine;
using System.Globalization;
using Micrograd.Expressions.Cli.Operations;
using Micrograd.Expressions.Nn;
using Micrograd.Expressions.Syntax;
using ScottPlot;
using SkiaSharp;
using Spectre.Console;

namespace Micrograd.Expressions.Cli.Commands;

/// <summary>
/// <c>mgx train --data moons.csv</c>: trains an MLP as micrograd's demo does (its defaults), with the compiled
/// gradient or, with <c>--eager</c>, micrograd's <c>Value</c> graph and <c>backward()</c>.
/// </summary>
internal static class TrainCommand
{
    // a network this size trains in seconds a step; a larger one is refused before anything is allocated
    private const int MaxParameters = 100_000;

    public static Command Create(ConsoleIO io)
    {
        var data = new Option<FileInfo?>("--data") { Description = "The points: a CSV file with a header line, the feature columns, then the label (-1 or 1 for the svm loss) [default: micrograd's two moons, built in]." };
        var layers = new Option<string>("--layers") { Description = "Neurons per layer, the last being the output.", DefaultValueFactory = _ => "16,16,1" }
            .Require<Option<string>, string>(l => Sizes(l) is not null, "whole numbers from 1 to 10000 separated by commas, the last 1 (one score), such as 16,16,1");
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
            var picture = result.GetValue(plot);
            if (picture is not null && picture.Extension.ToLowerInvariant() is not (".png" or ".svg"))
            {
                throw new UsageException($"unknown picture type `{picture.Extension}`; use .png or .svg");
            }

            var kind = Parse<LossKind>(result.GetValue(loss)!);
            var demo = result.GetValue(data) is null;
            var points = Read(result.GetValue(data), Demo.Points, reader => LabelledPoints.ReadCsv(reader, kind == LossKind.Svm ? [-1.0, 1.0] : null));
            var features = points.Inputs[0].Length;
            var sizes = Sizes(result.GetValue(layers)!)!;
            var weights = sizes.Select((size, i) => (long)size * ((i == 0 ? features : sizes[i - 1]) + 1)).Sum();
            if (weights > MaxParameters)
            {
                throw new UsageException($"--layers {result.GetValue(layers)} on {features} features makes {weights} parameters; mgx train takes at most {MaxParameters}");
            }

            if (picture is not null)
            {
                // checked before step 0, so a long run is not lost to a picture that cannot be drawn or written
                if (features != 2)
                {
                    throw new UsageException($"--plot draws a decision boundary of two features; this data has {features}");
                }

                Bindings.CheckWritable(picture);
            }

            var model = new Mlp(features, sizes, new Random(result.GetValue(seed)),
                Parse<Activation>(result.GetValue(activation)!), Parse<Activation>(result.GetValue(output)!), Parse<BiasInit>(result.GetValue(bias)!));
            var micrograd = demo && (result.GetResult(seed) is null or { Implicit: true }) && (result.GetResult(layers) is null or { Implicit: true });
            if (result.GetValue(init) is { } || micrograd)
            {
                var file = result.GetValue(init);
                var values = Read(file, Demo.Parameters, LabelledPoints.ReadNumbers);
                if (values.Count != model.Parameters().Count)
                {
                    throw new UsageException($"{file?.Name ?? Demo.Parameters} has {values.Count} numbers but the network has {model.Parameters().Count} parameters");
                }

                model.Load(values);
            }

            var options = new TrainingOptions
            {
                Loss = kind,
                L2 = result.GetValue(l2) ?? (kind == LossKind.Svm ? 1e-4 : 0),
                LearningRate = result.GetValue(lr),
                LearningRateDecay = result.GetValue(decay),
                Steps = result.GetValue(steps),
            };
            var trainer = new Trainer(model, points.Inputs, points.Labels, options);
            var history = Run(io, trainer, result.GetValue(eager), result.GetValue(json));
            if (picture is not null)
            {
                Draw(trainer, points, history, picture);
                if (!result.GetValue(json))
                {
                    io.Out.WriteLine($"wrote {picture.FullName}");
                }
            }
        }));
        return command;
    }

    private static List<TrainingStep> Run(ConsoleIO io, Trainer trainer, bool eager, bool json)
    {
        var history = new List<TrainingStep>();
        void Record(TrainingStep step)
        {
            if (!double.IsFinite(step.Loss))
            {
                // every later step would be NaN too: stop, and say where it went wrong
                throw new CommandException(string.Create(CultureInfo.InvariantCulture,
                    $"the loss is {NumberText.Format(step.Loss)} at step {step.Step}: training diverged; try a smaller --lr"));
            }

            history.Add(step);
            if (json)
            {
                io.Out.WriteLine(Json.Line(w =>
                {
                    w.WriteNumber("step", step.Step);
                    Json.WriteNumber(w, "loss", step.Loss);
                    Json.WriteNumber(w, "accuracy", step.Accuracy);
                }));
            }
        }

        if (json || !Terminal.IsStdout(io.Out))
        {
            foreach (var step in trainer.Train(eager))
            {
                Record(step);
                if (!json)
                {
                    io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"step {step.Step} loss {step.Loss:R} accuracy {step.Accuracy:R}"));
                }
            }
        }
        else
        {
            AnsiConsole.Progress().Start(context =>
            {
                var task = context.AddTask(eager ? "training (eager)" : "training", maxValue: trainer.Options.Steps);
                foreach (var step in trainer.Train(eager))
                {
                    Record(step);
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"step {step.Step} loss {step.Loss:F6} accuracy {step.Accuracy:P0}");
                    task.Increment(1);
                }
            });
        }

        var (loss, accuracy) = trainer.Evaluate();
        Record(new TrainingStep(trainer.Options.Steps, loss, accuracy));
        if (!json)
        {
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"after {trainer.Options.Steps} updates: loss {loss:R} accuracy {accuracy:R}"));
        }

        return history;
    }

    // the demo's picture: the sign of the score on a grid behind the points, and the loss per step
    private static void Draw(Trainer trainer, LabelledPoints points, List<TrainingStep> history, FileInfo file)
    {
        var boundary = new Plot();
        var (xs, ys) = (points.Inputs.Select(p => p[0]).ToArray(), points.Inputs.Select(p => p[1]).ToArray());
        var (x0, x1, y0, y1) = (xs.Min() - 0.5, xs.Max() + 0.5, ys.Min() - 0.5, ys.Max() + 0.5);
        const int grid = 60;
        var scores = new double[grid, grid];
        for (var i = 0; i < grid; i++)
        {
            for (var j = 0; j < grid; j++)
            {
                var score = trainer.Score([x0 + ((x1 - x0) * j / (grid - 1)), y1 - ((y1 - y0) * i / (grid - 1))]);
                scores[i, j] = score > 0 ? 1 : -1;
            }
        }

        var heatmap = boundary.Add.Heatmap(scores);
        heatmap.Extent = new CoordinateRect(x0, x1, y0, y1);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.Opacity = 0.35;
        foreach (var label in points.Labels.Distinct())
        {
            var at = Enumerable.Range(0, points.Labels.Count).Where(k => points.Labels[k] == label).ToList();
            var markers = boundary.Add.Markers(at.Select(k => xs[k]).ToArray(), at.Select(k => ys[k]).ToArray());
            markers.LegendText = $"y = {label.ToString(CultureInfo.InvariantCulture)}";
        }

        boundary.Title("decision boundary");
        boundary.ShowLegend();

        var curve = new Plot();
        var line = curve.Add.Scatter(history.Select(s => (double)s.Step).ToArray(), history.Select(s => s.Loss).ToArray());
        line.LegendText = "loss";
        curve.Title("loss per step");
        curve.XLabel("step");
        curve.YLabel("loss");

        var both = new Multiplot();
        while (both.Subplots.Count > 0)
        {
            both.Subplots.RemoveAt(0);
        }

        both.Subplots.Add(boundary);
        both.Subplots.Add(curve);
        both.Layout = new ScottPlot.MultiplotLayouts.Columns();
        const int width = 1200;
        const int height = 500;
        if (file.Extension.Equals(".png", StringComparison.OrdinalIgnoreCase))
        {
            both.SavePng(file.FullName, width, height);
            return;
        }

        using var stream = File.Create(file.FullName);
        using var canvas = SKSvgCanvas.Create(new SKRect(0, 0, width, height), stream);
        both.Render(canvas, new PixelRect(0, width, height, 0));
    }

    private static Option<string> Choice(string name, string description, string fallback, params string[] values)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => fallback };
        option.AcceptOnlyFromAmong(values);
        return option;
    }

    private static T Parse<T>(string text)
        where T : struct, Enum => Enum.Parse<T>(text, ignoreCase: true);

    private static int[]? Sizes(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var sizes = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] is < 1 or > 10_000)
            {
                return null;
            }
        }

        return sizes.Length > 0 && sizes[^1] == 1 ? sizes : null;
    }

    // a file given, or the built-in demo resource of that name
    private static T Read<T>(FileInfo? file, string resource, Func<TextReader, T> read)
    {
        if (file is { Exists: false })
        {
            throw new UsageException($"{file.FullName} does not exist");
        }

        using var reader = file?.OpenText() ?? Demo.Open(resource);
        try
        {
            return read(reader);
        }
        catch (FormatException e)
        {
            throw new CommandException($"{file?.Name ?? resource}: {e.Message}");
        }
    }
}

/// <summary>micrograd's two-moons demo, shipped in the tool: its 100 points and its initial weights (docs/data/micrograd).</summary>
internal static class Demo
{
    public const string Points = "moons.csv";

    public const string Parameters = "init_params.txt";

    public static StreamReader Open(string name) =>
        new(typeof(Demo).Assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"the built-in {name} is missing"));
}
