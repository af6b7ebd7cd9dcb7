using System.CommandLine;
using System.Globalization;
using Micrograd.Expressions.Calculus;
using Micrograd.Expressions.Cli.Operations;
using Micrograd.Expressions.Syntax;
using Spectre.Console;

namespace Micrograd.Expressions.Cli.Commands;

/// <summary>
/// <c>mgx check FORMULA x=3 ...</c>: symbolic derivatives against finite differences, as a table;
/// <c>--sweep</c> shows the error as h shrinks, <c>--scan N</c> checks N random points in a box (<c>x=-5:5</c>).
/// </summary>
internal static class CheckCommand
{
    public static Command Create(ConsoleIO io)
    {
        var formula = Bindings.FormulaArgument();
        var bindings = Bindings.Argument("The point as name=value; with --scan, intervals as name=min:max.");
        var method = new Option<string?>("--method")
        {
            Description = "forward (the seed's rise over run), backward, central or richardson [default: central; forward with --sweep].",
        }.Require<Option<string?>, string?>(m => m is null || Choices.TryMethod(m, out _), $"one of {Choices.Methods}");
        var h = new Option<double?>("--h") { Description = "The step; by default near the error-optimal step of the method." }
            .Require<Option<double?>, double?>(s => s is null || FiniteDifferences.IsValidStep(s.Value), CheckRequest.StepRequirement);
        var json = new Option<bool>("--json") { Description = "Print JSON (the batch op check's response) instead of a table." };
        var sweep = new Option<bool>("--sweep") { Description = "Show the finite difference for h = 1e-1 ... 1e-16 at the point." };
        var wrt = new Option<string?>("--wrt") { Description = "The parameter to sweep (default: the first)." };
        var scan = new Option<int?>("--scan") { Description = $"Check this many random points (1 to {FormulaOptions.Default.MaxScanPoints}) in the box given by the bindings and list the worst." }
            .Require<Option<int?>, int?>(n => n is null || ScanRequest.IsValidCount(n.Value), ScanRequest.Requirement);
        var seed = new Option<int>("--seed") { Description = "Random seed for --scan.", DefaultValueFactory = _ => 1 };
        var command = new Command("check", "Check symbolic derivatives against finite differences (bump one input, divide the rise by the run).")
        {
            formula, bindings, method, h, json, sweep, wrt, scan, seed,
        };
        var definitions = Definitions.AddTo(command);
        command.SetAction(result => Report.Run(io, () =>
        {
            var f = Formula.Parse(result.GetValue(formula)!, definitions.Read(result));
            var args = result.GetValue(bindings) ?? [];
            var m = Choices.Method(result.GetValue(method), result.GetValue(sweep) ? DifferenceMethod.Forward : DifferenceMethod.Central);
            var asJson = result.GetValue(json);
            if (result.GetValue(scan) is { } points)
            {
                var scanned = Scan(io, new ScanRequest(f, Box(args), points, result.GetValue(seed), m));
                if (asJson)
                {
                    io.Out.WriteLine(Json.Line(scanned));
                }
                else
                {
                    io.Out.WriteLine($"{scanned.Points} points, {scanned.Rows.Count} checks, {scanned.Rows.Count(r => !r.Ok)} not ok; the worst:");
                    Table(io, scanned.Worst, scanned: true);
                }

                return Verdict(scanned.Ok);
            }

            if (result.GetValue(sweep))
            {
                var swept = Ops.Sweep(new SweepRequest(f, Bindings.Read(args), result.GetValue(wrt) ?? f.Parameters.FirstOrDefault() ?? "x", m));
                if (asJson)
                {
                    io.Out.WriteLine(Json.Line(swept));
                }
                else
                {
                    Sweep(io, swept);
                }

                return Failures.Ok;
            }

            var reply = Ops.Check(new CheckRequest(f, Bindings.Read(args), m, result.GetValue(h)));
            if (asJson)
            {
                io.Out.WriteLine(Json.Line(reply));
            }
            else
            {
                Table(io, reply.Check.Rows, scanned: false);
                io.Out.WriteLine(reply.Check.Ok ? "all derivatives agree" : "some derivatives disagree or could not be checked");
            }

            return Verdict(reply.Check.Ok);
        }));
        return command;
    }

    // a check that disagrees is a failure a script can test, as `diff` or `cmp` report a difference
    private static int Verdict(bool ok) => ok ? Failures.Ok : Failures.Failed;

    private static void Table(ConsoleIO io, IEnumerable<DerivativeCheckRow> rows, bool scanned)
    {
        var table = new Table().Border(TableBorder.Markdown);
        foreach (var column in new[] { scanned ? "point" : "variable", scanned ? "variable" : "point", "derivative", "symbolic", "numeric", "abs error", "rel error", "verdict" })
        {
            table.AddColumn(new TableColumn(column));
        }

        foreach (var r in rows)
        {
            var point = scanned && r.At is { } at ? string.Join(", ", at.Select(NumberText.Format)) : NumberText.Format(r.Point);
            table.AddRow(new[]
            {
                scanned ? point : r.Variable, scanned ? r.Variable : point, r.Derivative, NumberText.Format(r.Symbolic),
                NumberText.Format(r.Numeric.Value), r.AbsoluteError.ToString("0.###e+00", CultureInfo.InvariantCulture),
                r.RelativeError.ToString("0.###e+00", CultureInfo.InvariantCulture), r.Verdict,
            }.Select(Markup.Escape).ToArray());
        }

        Terminal.Write(io.Out, table);
    }

    private static void Sweep(ConsoleIO io, Swept swept)
    {
        var table = new Table().Border(TableBorder.Markdown);
        foreach (var column in new[] { "h", "numeric", "abs error", "note" })
        {
            table.AddColumn(column);
        }

        foreach (var r in swept.Rows)
        {
            var note = r.Numeric.Artifact ?? (r.Numeric.Value == 0 && r.Symbolic != 0 ? "exactly 0.0" : "");
            table.AddRow(Markup.Escape(NumberText.Format(r.Step)), Markup.Escape(NumberText.Format(r.Numeric.Value)),
                r.AbsoluteError.ToString("0.###e+00", CultureInfo.InvariantCulture), Markup.Escape(note));
        }

        var (at, variable, method) = (swept.Request.At, swept.Request.Variable, swept.Request.Method);
        io.Out.WriteLine($"d/d{variable} at {string.Join(", ", at.Select(kv => $"{kv.Key}={NumberText.Format(kv.Value)}"))}: symbolic {NumberText.Format(swept.Rows[0].Symbolic)}, method {method.ToString().ToLowerInvariant()}");
        Terminal.Write(io.Out, table);
    }

    // the scan, with a progress bar on an interactive standard error
    private static Scanned Scan(ConsoleIO io, ScanRequest request)
    {
        var errorConsole = Terminal.For(io.Error, Terminal.IsStderr(io.Error));
        if (!errorConsole.Profile.Capabilities.Interactive)
        {
            return Ops.Scan(request);
        }

        Scanned? scanned = null;
        errorConsole.Progress().Start(context =>
        {
            var task = context.AddTask("checking points", maxValue: request.Points);
            scanned = Ops.Scan(request, new Progress<int>(done => task.Value = done));
        });
        return scanned!;
    }

    private static Dictionary<string, (double Min, double Max)> Box(IEnumerable<string> items)
    {
        var box = new Dictionary<string, (double, double)>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var eq = item.IndexOf('=');
            if (eq <= 0)
            {
                throw new FormulaException(FormulaErrorKind.Name, $"expected name=min:max, got `{item}`");
            }

            var name = item[..eq];
            var range = item[(eq + 1)..].Split(':');
            box[name] = range.Length switch
            {
                1 => (Values.Of(name, range[0]), Values.Of(name, range[0])),
                2 => (Values.Of(name, range[0]), Values.Of(name, range[1])),
                _ => throw new FormulaException(FormulaErrorKind.Name, $"expected name=min:max, got `{item}`"),
            };
        }

        return box;
    }
}
