using System.CommandLine;
using System.Globalization;
using Micrograd.Expressions.Cli.Commands;
using Micrograd.Expressions.Cli.Operations;

namespace Micrograd.Expressions.Cli;

/// <summary>Entry point of <c>mgx</c>: wires the commands; each command lives in its own file.</summary>
internal static class Program
{
    /// <summary>Runs mgx with the given arguments and console streams.</summary>
    /// <param name="args">Command-line arguments.</param>
    /// <returns>The exit code: 0 on success, 1 on a failure (a bad formula or input, a check that disagrees), 2 on bad usage.</returns>
    public static int Main(string[] args)
    {
        // The engine never reads the culture; this only guards what third-party output might format.
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        return Run(args, Console.In, Console.Out, Console.Error);
    }

    /// <summary>Runs mgx with explicit streams (used by tests and embedders).</summary>
    /// <param name="args">Command-line arguments.</param>
    /// <param name="input">Standard input.</param>
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error.</param>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        var io = new ConsoleIO(input, output, error);
        var root = new RootCommand(
            "mgx: evaluate and differentiate formulas such as \"3*x**2 - 4*x + 5\", and embed the engine through JSON Lines.")
        {
            EvalCommand.Create(io),
            DiffCommand.Create(io),
            CheckCommand.Create(io),
            GradCommand.Create(io),
            GraphCommand.Create(io),
            PlotCommand.Create(io),
            TrainCommand.Create(io),
            BatchCommand.Create(io),
        };
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            // every parse error, one line each; the last says where the usage is
            var lines = UsageErrors.Describe(result, root);
            var help = result.CommandResult.Command == root ? "mgx --help" : $"mgx {result.CommandResult.Command.Name} --help";
            for (var i = 0; i < lines.Count; i++)
            {
                Failures.Say(error, i == lines.Count - 1 ? $"{lines[i]} (see `{help}`)" : lines[i]);
            }

            return Failures.Usage;
        }

        // each command's action reports its own errors (Report.Run); this catches what escapes the parser's invocation
        try
        {
            return result.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            return Failures.Report(error, e);
        }
    }
}

/// <summary>The streams a command reads and writes.</summary>
/// <param name="In">Standard input.</param>
/// <param name="Out">Standard output.</param>
/// <param name="Error">Standard error.</param>
internal sealed record ConsoleIO(TextReader In, TextWriter Out, TextWriter Error);
