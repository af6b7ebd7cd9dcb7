using Micrograd.Expressions.Calculus;
using Micrograd.Expressions.Visual;

namespace Micrograd.Expressions.Cli.Operations;

/// <summary>
/// The operations of <c>mgx</c>, one handler each, taking the operation's validated request (<c>Requests.cs</c>).
/// The commands and the batch protocol are front ends that build the request and call the handler, so they
/// cannot drift: a command and a batch request with the same inputs get the same reply, the command renders it
/// as text (or, with <c>--json</c>, as the batch response's fields).
/// </summary>
internal static class Ops
{
    /// <summary><c>eval</c>: the value at a point.</summary>
    public static Evaluated Eval(EvalRequest request) => new(request.Formula.Evaluate(request.At));

    /// <summary><c>parse</c>: the canonical text and the parameters in call order.</summary>
    public static Parsed Parse(ParseRequest request) => new(request.Formula.ToString(), request.Formula.Parameters);

    /// <summary><c>diff</c>: the derivative by the named parameter, or by every parameter (none for a formula without parameters).</summary>
    public static Differentiated Diff(DiffRequest request)
    {
        var by = request.Wrt is null ? request.Formula.Parameters : [request.Wrt];
        return new Differentiated(request.Wrt, [.. by.Select(p => (p, request.Formula.Derivative(p, request.Order).ToString(request.Format)))]);
    }

    /// <summary><c>check</c>: every symbolic first derivative against finite differences at a point.</summary>
    public static Checked Check(CheckRequest request) =>
        new(DerivativeChecker.Check(request.Formula, request.At, request.Method, request.H));

    /// <summary><c>check --sweep</c>: the finite difference at a point for h = 1e-1 ... 1e-16.</summary>
    public static Swept Sweep(SweepRequest request) =>
        new(request, DerivativeChecker.Sweep(request.Formula, request.At, request.Variable, request.Method));

    /// <summary><c>check --scan</c>: every point's check, worst first; <paramref name="progress"/> hears the points done.</summary>
    public static Scanned Scan(ScanRequest request, IProgress<int>? progress = null) =>
        new(request.Points, DerivativeChecker.Scan(request.Formula, request.Box, request.Points, request.Seed, request.Method, progress));

    /// <summary><c>grad</c>: the value and the gradient of every parameter and let-bound name, by backpropagation.</summary>
    public static Backpropagated Grad(GradRequest request) => new(request.Formula.Backpropagate(request.At));

    /// <summary><c>graph</c>: the DOT text, written (and drawn) into the request's file when it names one.</summary>
    public static Drawn Graph(GraphRequest request)
    {
        var dot = GraphDot.Write(request.Formula.Backpropagate(request.At));
        var file = request.Out;
        if (file is not null)
        {
            Files.CheckDirectory(file);
        }

        switch (file?.Extension.ToLowerInvariant())
        {
            case null:
                return new Drawn(dot, null);
            case ".dot" or ".gv":
                File.WriteAllText(file.FullName, dot);
                return new Drawn(dot, file);
            case ".svg" or ".png" or ".pdf":
                Graphviz.Render(dot, file);
                return new Drawn(dot, file);
            default:
                throw new RequestException($"unknown output type `{file.Extension}`; use .dot, .svg, .png or .pdf");
        }
    }

    /// <summary><c>plot</c>: the picture drawn into the request's file.</summary>
    public static Drawn Plot(PlotRequest request)
    {
        var f = request.Formula;
        if (f.Parameters.Count != 1)
        {
            throw new FormulaException(FormulaErrorKind.Arity, $"plot needs a formula of one parameter; this one has {f.Parameters.Count} ({string.Join(", ", f.Parameters)})");
        }

        Drawing.Require();
        var plot = request.SweepAt is { } at
            ? Pictures.Sweep(f, request.Text, at)
            : Pictures.Curves(f, request.Text, request.From, request.To, request.Step, request.Derivative, request.Tangent);
        var file = request.Out;
        Files.CheckDirectory(file);
        switch (file.Extension.ToLowerInvariant())
        {
            case ".png":
                plot.SavePng(file.FullName, request.Width, request.Height);
                break;
            case ".svg":
                plot.SaveSvg(file.FullName, request.Width, request.Height);
                break;
            default:
                throw new RequestException($"unknown picture type `{file.Extension}`; use .png or .svg");
        }

        return new Drawn(null, file);
    }

    /// <summary><c>train</c>: the network, its data and its trainer, checked and ready to take its steps.</summary>
    public static Training Train(TrainRequest request) => Training.Prepare(request);

    /// <summary>
    /// <c>define</c>, and the <c>--define</c>/<c>--constant</c> options: <paramref name="context"/> with the constants
    /// (first, so functions can use them) and the functions added in order. A name defined twice, or a built-in
    /// redefined, is an error; an error in a definition names it.
    /// </summary>
    public static FormulaContext Define(FormulaContext context, IEnumerable<string> functions, IEnumerable<KeyValuePair<string, double>> constants)
    {
        foreach (var (name, value) in constants)
        {
            try
            {
                context = context.WithConstant(name, value);
            }
            catch (ArgumentOutOfRangeException e) when (e.ParamName == "value")
            {
                // the library's one check that a constant is finite, answered as the protocol's name error
                throw new FormulaException(FormulaErrorKind.Name, $"the constant `{name}` must be a finite number, not {Values.Describe(value)}");
            }
        }

        foreach (var definition in functions)
        {
            try
            {
                context = context.WithFunction(definition);
            }
            catch (FormulaSyntaxException e)
            {
                throw new FormulaSyntaxException(e.Kind, $"in the definition `{definition}`: {e.Reason}", definition, e.Line, e.Column);
            }
        }

        return context;
    }
}
