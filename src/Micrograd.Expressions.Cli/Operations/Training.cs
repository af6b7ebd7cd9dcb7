using System.Globalization;
using Micrograd.Expressions.Nn;
using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions.Cli.Operations;

/// <summary>
/// <c>train</c>'s work: the data, the network and its trainer, checked before step 0 (so a long run is not lost
/// to a picture that cannot be drawn or written); then the steps, each checked for divergence, and the picture.
/// </summary>
internal sealed class Training
{
    // a network this size trains in seconds a step; a larger one is refused before anything is allocated
    private const int MaxParameters = 100_000;

    private readonly List<TrainingStep> history = [];

    private Training(TrainRequest request, LabelledPoints points, Trainer trainer) => (Request, Points, Trainer) = (request, points, trainer);

    /// <summary>The request.</summary>
    public TrainRequest Request { get; }

    /// <summary>The labelled points trained on.</summary>
    public LabelledPoints Points { get; }

    /// <summary>The trainer of the network.</summary>
    public Trainer Trainer { get; }

    /// <summary>Reads the data and the initial parameters, builds the network and refuses what cannot run.</summary>
    public static Training Prepare(TrainRequest request)
    {
        var picture = request.Picture;
        if (picture is not null && picture.Extension.ToLowerInvariant() is not (".png" or ".svg"))
        {
            throw new RequestException($"unknown picture type `{picture.Extension}`; use .png or .svg");
        }

        var kind = request.Loss;
        var points = Read(request.Data, Demo.Points, reader => LabelledPoints.ReadCsv(reader, kind == LossKind.Svm ? [-1.0, 1.0] : null));
        var features = points.Inputs[0].Length;
        var sizes = Sizes(request.Layers) ?? throw new RequestException("layers", $"{LayersRequirement}, not {request.Layers}");
        var weights = sizes.Select((size, i) => (long)size * ((i == 0 ? features : sizes[i - 1]) + 1)).Sum();
        if (weights > MaxParameters)
        {
            throw new RequestException($"--layers {request.Layers} on {features} features makes {weights} parameters; mgx train takes at most {MaxParameters}");
        }

        if (picture is not null)
        {
            if (features != 2)
            {
                throw new RequestException($"--plot draws a decision boundary of two features; this data has {features}");
            }

            Files.CheckWritable(picture);
            Drawing.Require();
        }

        var model = new Mlp(features, sizes, new Random(request.Seed), request.Hidden, request.Output, request.Bias);
        if (request.Init is { } || request.DemoWeights)
        {
            var file = request.Init;
            var values = Read(file, Demo.Parameters, LabelledPoints.ReadNumbers);
            if (values.Count != model.Parameters().Count)
            {
                throw new RequestException($"{file?.Name ?? Demo.Parameters} has {values.Count} numbers but the network has {model.Parameters().Count} parameters");
            }

            model.Load(values);
        }

        var options = new TrainingOptions
        {
            Loss = kind,
            L2 = request.L2 ?? (kind == LossKind.Svm ? 1e-4 : 0),
            LearningRate = request.LearningRate,
            LearningRateDecay = request.LearningRateDecay,
            Steps = request.Steps,
        };
        return new Training(request, points, new Trainer(model, points.Inputs, points.Labels, options));
    }

    /// <summary>What <c>--layers</c> must be.</summary>
    public const string LayersRequirement = "whole numbers from 1 to 10000 separated by commas, the last 1 (one score), such as 16,16,1";

    /// <summary>The neurons per layer of <paramref name="text"/>; null when it is not <see cref="LayersRequirement"/>.</summary>
    public static int[]? Sizes(string text)
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

    /// <summary>The updates, one step each (step 0 to steps - 1, before each update); a loss that is not finite stops them.</summary>
    public IEnumerable<TrainingStep> Steps()
    {
        foreach (var step in Trainer.Train(Request.Eager))
        {
            yield return Record(step);
        }
    }

    /// <summary>The loss and accuracy after the last update (step = steps).</summary>
    public TrainingStep Final()
    {
        var (loss, accuracy) = Trainer.Evaluate();
        return Record(new TrainingStep(Trainer.Options.Steps, loss, accuracy));
    }

    /// <summary>Draws the decision boundary and the loss curve into the request's picture.</summary>
    public void Draw() => Pictures.Training(Trainer, Points, history, Request.Picture ?? throw new InvalidOperationException("no picture was asked for"));

    private TrainingStep Record(TrainingStep step)
    {
        if (!double.IsFinite(step.Loss))
        {
            // every later step would be NaN too: stop, and say where it went wrong
            throw new WorkException(string.Create(CultureInfo.InvariantCulture,
                $"the loss is {NumberText.Format(step.Loss)} at step {step.Step}: training diverged; try a smaller --lr"));
        }

        history.Add(step);
        return step;
    }

    // a file given, or the built-in demo resource of that name
    private static T Read<T>(FileInfo? file, string resource, Func<TextReader, T> read)
    {
        if (file is { Exists: false })
        {
            throw new RequestException($"{file.FullName} does not exist");
        }

        using var reader = file?.OpenText() ?? Demo.Open(resource);
        try
        {
            return read(reader);
        }
        catch (FormatException e)
        {
            throw new WorkException($"{file?.Name ?? resource}: {e.Message}");
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
