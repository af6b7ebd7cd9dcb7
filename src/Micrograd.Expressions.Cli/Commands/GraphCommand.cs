using System.CommandLine;
using System.ComponentModel;
using System.Diagnostics;
using Micrograd.Expressions.Visual;

namespace Micrograd.Expressions.Cli.Commands;

/// <summary><c>mgx graph FORMULA a=2 ... --out graph.svg</c>: the computation graph with data and grad, as micrograd's draw_dot.</summary>
internal static class GraphCommand
{
    public static Command Create(ConsoleIO io)
    {
        var formula = Bindings.FormulaArgument("let e = a*b; let d = e + c; d * f");
        var bindings = Bindings.Argument();
        var output = new Option<FileInfo?>("--out") { Description = "Where to write: .dot (DOT text), .svg or .png (rendered by Graphviz dot). Without it, DOT goes to stdout." };
        var command = new Command("graph", "Draw the expression graph left to right: each value as label | data | grad, each operation as its own node.")
        {
            formula, bindings, output,
        };
        var definitions = Definitions.AddTo(command);
        command.SetAction(result => Report.Run(io, () =>
        {
            var f = Formula.Parse(result.GetValue(formula)!, definitions.Read(result));
            var dot = GraphDot.Write(f.Backpropagate(Bindings.Read(result.GetValue(bindings) ?? [])));
            var file = result.GetValue(output);
            if (file is not null)
            {
                Bindings.CheckDirectory(file);
            }

            switch (file?.Extension.ToLowerInvariant())
            {
                case null:
                    io.Out.Write(dot);
                    break;
                case ".dot" or ".gv":
                    File.WriteAllText(file.FullName, dot);
                    io.Out.WriteLine($"wrote {file.FullName}");
                    break;
                case ".svg" or ".png" or ".pdf":
                    Render(dot, file);
                    io.Out.WriteLine($"wrote {file.FullName}");
                    break;
                default:
                    throw new UsageException($"unknown output type `{file.Extension}`; use .dot, .svg, .png or .pdf");
            }
        }));
        return command;
    }

    private static void Render(string dot, FileInfo file)
    {
        var start = new ProcessStartInfo("dot", ["-T" + file.Extension.TrimStart('.').ToLowerInvariant(), "-o", file.FullName])
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception("dot did not start");
        }
        catch (Win32Exception)
        {
            throw new CommandException(
                "Graphviz `dot` was not found on PATH; install Graphviz (Debian: apt-get install graphviz) or write a .dot file with --out graph.dot");
        }

        using (process)
        {
            process.StandardInput.Write(dot);
            process.StandardInput.Close();
            var errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new CommandException($"Graphviz dot failed: {errors.Trim()}");
            }
        }
    }
}
