using System.Diagnostics;

namespace Micrograd.Expressions.Tests.Support;

/// <summary>The one runner of child processes (the SDK, PostgreSQL's programs, the embedding examples' interpreters).</summary>
internal static class Processes
{
    /// <summary>What a finished process printed and returned.</summary>
    public sealed record Result(int Code, string Out, string Error)
    {
        /// <summary>Both outputs, for messages.</summary>
        public override string ToString() => $"exit {Code}\n{Out}\n{Error}";
    }

    /// <summary>
    /// Runs a program to its end with both outputs captured (read concurrently, so neither fills its pipe);
    /// null when the program cannot be started (not installed).
    /// </summary>
    public static Result? TryRun(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }

        using (process)
        {
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return new Result(process.ExitCode, output, error.Result);
        }
    }

    /// <summary>Runs a program that must exist and succeed; otherwise throws with the command line and both outputs.</summary>
    public static string Run(string program, params string[] args)
    {
        var result = TryRun(program, args) ?? throw new InvalidOperationException($"{program} cannot be started");
        return result.Code == 0 ? result.Out : throw new InvalidOperationException($"{program} {string.Join(" ", args)}: {result}");
    }
}
