using System.Diagnostics;

namespace Micrograd.Expressions.Tests.Support;

/// <summary>Runs the .NET SDK (or a program it made) for the packaging tests.</summary>
internal static class Dotnet
{
    /// <summary>Runs <paramref name="program"/> and returns its standard output; a non-zero exit fails the test with both outputs.</summary>
    public static string Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, $"{program} {string.Join(" ", args)}:\n{output}\n{error.Result}");
        return output;
    }

    /// <summary>True when the assembly in <paramref name="stream"/> carries ReadyToRun code.</summary>
    public static bool IsReadyToRun(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        copy.Position = 0;
        using var pe = new System.Reflection.PortableExecutable.PEReader(copy);
        return pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0;
    }
}
