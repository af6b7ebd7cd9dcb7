using System.IO.Compression;

namespace Micrograd.Expressions.Tests.Support;

/// <summary>Runs the .NET SDK (or a program it made) for the packaging tests.</summary>
internal static class Dotnet
{
    /// <summary>Runs <paramref name="program"/> and returns its standard output; a non-zero exit fails the test with both outputs.</summary>
    public static string Run(string program, params string[] args)
    {
        var result = Processes.TryRun(program, args);
        Assert.That(result?.Code, Is.Zero, $"{program} {string.Join(" ", args)}: {result?.ToString() ?? "cannot be started"}");
        return result!.Out;
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

    /// <summary>What a package needs on a package page: license, readme, repository and project address, tags.</summary>
    public static void AssertPublishable(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        using var reader = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        var nuspec = reader.ReadToEnd();
        Assert.Multiple(() =>
        {
            Assert.That(nuspec, Does.Contain("<license type=\"expression\">MIT</license>"), package);
            Assert.That(nuspec, Does.Contain("<readme>README.md</readme>"), package);
            Assert.That(nuspec, Does.Match("<repository type=\"git\" url=\"https://[^\"]+\"[^>]* commit=\"[0-9a-f]{40}\""), package);
            Assert.That(nuspec, Does.Contain("<projectUrl>https://"), package);
            Assert.That(nuspec, Does.Contain("<tags>"), package);
            Assert.That(zip.GetEntry("LICENSE"), Is.Not.Null, $"{package} carries LICENSE");
            Assert.That(zip.GetEntry("README.md"), Is.Not.Null, $"{package} carries README.md");
        });
    }
}
