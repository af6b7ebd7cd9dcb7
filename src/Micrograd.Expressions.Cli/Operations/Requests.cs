using Micrograd.Expressions.Calculus;
using Micrograd.Expressions.Nn;

namespace Micrograd.Expressions.Cli.Operations;

/// <summary><c>eval</c>: the value of <paramref name="Formula"/> at <paramref name="At"/>.</summary>
internal sealed record EvalRequest(Formula Formula, IReadOnlyDictionary<string, double> At);

/// <summary><c>parse</c>: the canonical text and the parameters of <paramref name="Formula"/>.</summary>
internal sealed record ParseRequest(Formula Formula);

/// <summary><c>grad</c>: the value and every gradient of <paramref name="Formula"/> at <paramref name="At"/>.</summary>
internal sealed record GradRequest(Formula Formula, IReadOnlyDictionary<string, double> At);

/// <summary>
/// <c>diff</c>: the derivative of order <see cref="Order"/> by <see cref="Wrt"/> (every parameter when null),
/// printed in <see cref="Format"/> (a dialect name; the formula syntax when null).
/// </summary>
internal sealed record DiffRequest
{
    /// <summary>A request whose order and format are checked.</summary>
    public DiffRequest(Formula formula, string? wrt, int order, string? format) =>
        (Formula, Wrt, Order, Format) = (formula, wrt, CheckedOrder(order), CheckedFormat(format));

    /// <summary>The order, refused when negative (a front end that reads fields one by one checks each as it reads it).
    /// An order above <see cref="FormulaOptions.MaxOrder"/> is the library's limit error, the same in both front ends.</summary>
    public static int CheckedOrder(int order) => IsValidOrder(order) ? order : throw new RequestException("order", OrderRequirement);

    /// <summary>True for an order a request takes.</summary>
    public static bool IsValidOrder(int order) => order >= 0;

    /// <summary>What an order must be.</summary>
    public const string OrderRequirement = "0 or more";

    /// <summary>The format, refused when it names no dialect.</summary>
    public static string? CheckedFormat(string? format) => format is null || Expressions.Formula.TryParseDialect(format, out _)
        ? format
        : throw new RequestException("format", $"one of {Expressions.Formula.DialectNames}, not `{format}`");

    /// <summary>The formula.</summary>
    public Formula Formula { get; }

    /// <summary>The parameter to differentiate by; every parameter when null.</summary>
    public string? Wrt { get; }

    /// <summary>How many times to differentiate.</summary>
    public int Order { get; }

    /// <summary>The dialect of the output.</summary>
    public string? Format { get; }
}

/// <summary><c>check</c>: every symbolic first derivative against finite differences of <see cref="Method"/> at <see cref="At"/>.</summary>
internal sealed record CheckRequest
{
    /// <summary>A request whose step is checked.</summary>
    public CheckRequest(Formula formula, IReadOnlyDictionary<string, double> at, DifferenceMethod method, double? h) =>
        (Formula, At, Method, H) = (formula, at, method, CheckedStep(h));

    /// <summary>The step, refused when the library's finite differences cannot take it.</summary>
    public static double? CheckedStep(double? h) => h is not { } step || FiniteDifferences.IsValidStep(step)
        ? h
        : throw new RequestException("h", $"{StepRequirement}, not {Values.Describe(step)}");

    /// <summary>What a step must be (<see cref="FiniteDifferences.IsValidStep"/>).</summary>
    public const string StepRequirement = "a positive finite number";

    /// <summary>The formula.</summary>
    public Formula Formula { get; }

    /// <summary>The point.</summary>
    public IReadOnlyDictionary<string, double> At { get; }

    /// <summary>The finite-difference method.</summary>
    public DifferenceMethod Method { get; }

    /// <summary>The step; near the method's error-optimal step when null.</summary>
    public double? H { get; }
}

/// <summary><c>check --sweep</c>: the finite difference by <paramref name="Variable"/> at <paramref name="At"/> as the step shrinks.</summary>
internal sealed record SweepRequest(Formula Formula, IReadOnlyDictionary<string, double> At, string Variable, DifferenceMethod Method);

/// <summary><c>check --scan</c>: <see cref="Points"/> random points of <see cref="Box"/> checked, the worst rows reported.</summary>
internal sealed record ScanRequest
{
    /// <summary>A request whose count of points is checked.</summary>
    public ScanRequest(Formula formula, IReadOnlyDictionary<string, (double Min, double Max)> box, int points, int seed, DifferenceMethod method)
    {
        if (!IsValidCount(points))
        {
            throw new RequestException("scan", Requirement);
        }

        (Formula, Box, Points, Seed, Method) = (formula, box, points, seed, method);
    }

    /// <summary>What a count of points must be (more than <see cref="FormulaOptions.MaxScanPoints"/> is the library's limit error).</summary>
    public const string Requirement = "1 or more";

    /// <summary>The formula.</summary>
    public Formula Formula { get; }

    /// <summary>Each parameter's interval.</summary>
    public IReadOnlyDictionary<string, (double Min, double Max)> Box { get; }

    /// <summary>How many points.</summary>
    public int Points { get; }

    /// <summary>The seed of the points.</summary>
    public int Seed { get; }

    /// <summary>The finite-difference method.</summary>
    public DifferenceMethod Method { get; }

    /// <summary>True for a count of points a request takes.</summary>
    public static bool IsValidCount(int points) => points >= 1;
}

/// <summary>
/// <c>graph</c>: the computation graph of <paramref name="Formula"/> at <paramref name="At"/> as DOT text, written to
/// <paramref name="Out"/> (.dot or .gv as text; .svg, .png or .pdf drawn by Graphviz) or returned when it is null.
/// </summary>
internal sealed record GraphRequest(Formula Formula, IReadOnlyDictionary<string, double> At, FileInfo? Out);

/// <summary>
/// <c>plot</c>: a formula of one parameter drawn into <paramref name="Out"/> (.png or .svg): f over
/// [<paramref name="From"/>, <paramref name="To"/>] in steps of <paramref name="Step"/>, with f' and a tangent when
/// asked, or, with <paramref name="SweepAt"/>, the forward-difference error against the step at that point.
/// </summary>
internal sealed record PlotRequest(
    Formula Formula, string Text, double From, double To, double Step, bool Derivative, double? Tangent, double? SweepAt,
    FileInfo Out, int Width, int Height);

/// <summary>
/// <c>train</c>: micrograd's MLP trained on <paramref name="Data"/> (the demo's two moons when null), with the
/// initial parameters of <paramref name="Init"/> (the demo's when null and <paramref name="DemoWeights"/>), drawn
/// into <paramref name="Picture"/> when given.
/// </summary>
internal sealed record TrainRequest(
    FileInfo? Data, string Layers, Activation Hidden, Activation Output, BiasInit Bias, LossKind Loss, double? L2,
    double LearningRate, double LearningRateDecay, int Steps, int Seed, FileInfo? Init, bool DemoWeights, FileInfo? Picture, bool Eager);
