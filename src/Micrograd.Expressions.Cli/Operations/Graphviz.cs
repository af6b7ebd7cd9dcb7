using System.ComponentModel;
using System.Diagnostics;

namespace Micrograd.Expressions.Cli.Operations;

/// <summary>Graphviz's <c>dot</c>, which draws <c>mgx graph</c>'s DOT text as .svg, .png or .pdf.</summary>
internal static class Graphviz
{
    /// <summary>How long dot has to draw (a graph mgx can backpropagate draws in well under a second); tests shorten it.</summary>
    internal static TimeSpan RenderTime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Draws <paramref name="dot"/> into <paramref name="file"/>, in the format its extension names.</summary>
    public static void Render(string dot, FileInfo file)
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
            throw new WorkException(
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
                throw new WorkException($"Graphviz dot did not finish in {RenderTime.TotalSeconds} s; write DOT text with --out graph.dot instead");
            }

            Task.WaitAll(input, output, errors);
            if (process.ExitCode != 0)
            {
                var said = errors.Result.Trim();
                throw new WorkException($"Graphviz dot failed (exit code {process.ExitCode}): {(said.Length <= 2000 ? said : "..." + said[^2000..])}");
            }
        }
    }
}
