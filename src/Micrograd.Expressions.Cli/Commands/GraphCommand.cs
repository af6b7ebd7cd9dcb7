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

    // dot has this long to draw (a graph mgx can backpropagate draws in well under a second); tests shorten it
    internal static TimeSpan RenderTime { get; set; } = TimeSpan.FromSeconds(60);

    private static void Render(string dot, FileInfo file)
    {
        var start = new ProcessStartInfo("dot", ["-T" + file.Extension.TrimStart('.').ToLowerInvariant(), "-o", file.FullName])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception();
        }
        catch (Win32Exception)
        {
            throw new CommandException(
                "Graphviz is not installed (no `dot` on PATH): install it (Debian, Ubuntu: apt-get install graphviz; macOS: brew install graphviz) or write DOT text with --out graph.dot");
        }

        using (process)
        {
            // stdout and stderr are read while stdin is written: dot may fill a pipe before it has read all its input
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            var input = Task.Run(() =>
            {
                try
                {
                    process.StandardInput.Write(dot);
                    process.StandardInput.Close();
                }
                catch (IOException)
                {
                    // dot stopped reading; its exit code and stderr say why
                }
            });
            if (!process.WaitForExit(RenderTime))
            {
                process.Kill(entireProcessTree: true);
                throw new CommandException($"Graphviz dot did not finish in {RenderTime.TotalSeconds} s; write DOT text with --out graph.dot instead");
            }

            Task.WaitAll(input, output, errors);
            if (process.ExitCode != 0)
            {
                var said = errors.Result.Trim();
                throw new CommandException($"Graphviz dot failed (exit code {process.ExitCode}): {(said.Length <= 2000 ? said : "..." + said[^2000..])}");
            }
        }
    }
}
