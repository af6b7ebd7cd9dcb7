using System.Diagnostics;
using System.IO.Compression;
using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

/// <summary>
/// The dotnet tool package: packed into a local folder, installed with <c>dotnet tool install --tool-path</c>, and
/// run from there. The package for this platform carries the ReadyToRun build.
/// </summary>
[TestFixture]
[NonParallelizable]
public class ToolPackageTests
{
    [Test]
    public void ToolPackage_PackInstallRun_MgxDiffPrintsTheDerivative()
    {
        var work = Path.Combine(Path.GetTempPath(), $"mgx-tool-{Guid.NewGuid():N}");
        try
        {
            var packages = Path.Combine(work, "packages");
            var project = Path.Combine(Repository.Root(), "src", "Micrograd.Expressions.Cli", "Micrograd.Expressions.Cli.csproj");
            // its own output folders, so the pack does not touch the build the tests run against
            Run("dotnet", "pack", project, "-c", "Release", "-o", packages, "-p:UseArtifactsOutput=true", $"-p:ArtifactsPath={Path.Combine(work, "artifacts")}");
            // the version comes from git tags (MinVer): whatever it is, every package has the same
            var names = Directory.GetFiles(packages).Select(Path.GetFileName).ToList();
            var version = Version(names.Single(n => n!.StartsWith("Micrograd.Expressions.Cli.linux-x64.", StringComparison.Ordinal) && n.EndsWith(".nupkg", StringComparison.Ordinal))!, "Micrograd.Expressions.Cli.linux-x64.");
            Assert.That(names, Does.Contain($"Micrograd.Expressions.Cli.{version}.nupkg").And.Contain($"Micrograd.Expressions.Cli.any.{version}.nupkg")
                .And.Contain($"Micrograd.Expressions.Cli.linux-x64.{version}.snupkg"), string.Join(", ", names));
            AssertPublishable(Path.Combine(packages, $"Micrograd.Expressions.Cli.{version}.nupkg"));

            using (var linux = ZipFile.OpenRead(Path.Combine(packages, $"Micrograd.Expressions.Cli.linux-x64.{version}.nupkg")))
            {
                var entry = linux.Entries.Single(e => e.FullName.EndsWith("/mgx.dll", StringComparison.Ordinal));
                using var stream = entry.Open();
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                copy.Position = 0;
                using var pe = new System.Reflection.PortableExecutable.PEReader(copy);
                Assert.That(pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size, Is.GreaterThan(0), "mgx.dll in the linux-x64 package is ReadyToRun code");
            }

            var tools = Path.Combine(work, "tools");
            Run("dotnet", "tool", "install", "Micrograd.Expressions.Cli", "--version", version, "--tool-path", tools, "--add-source", packages);
            var mgx = Path.Combine(tools, OperatingSystem.IsWindows() ? "mgx.exe" : "mgx");
            Assert.That(Run(mgx, "diff", "3*x**2 - 4*x + 5"), Is.EqualTo("6*x - 4\n"));
        }
        finally
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    [Test]
    public void LibraryPackage_Pack_CarriesLicenseReadmeRepositoryAndSymbols()
    {
        var work = Path.Combine(Path.GetTempPath(), $"mgx-lib-{Guid.NewGuid():N}");
        try
        {
            var project = Path.Combine(Repository.Root(), "src", "Micrograd.Expressions", "Micrograd.Expressions.csproj");
            Run("dotnet", "pack", project, "-c", "Release", "-o", work, "-p:UseArtifactsOutput=true", $"-p:ArtifactsPath={Path.Combine(work, "artifacts")}");
            var package = Directory.GetFiles(work, "Micrograd.Expressions.*.nupkg").Single();
            Assert.That(File.Exists(Path.ChangeExtension(package, ".snupkg")), Is.True, $"symbols beside {package}");
            AssertPublishable(package);
            using var zip = ZipFile.OpenRead(package);
            using var readme = new StreamReader(zip.GetEntry("README.md")!.Open());
            var text = readme.ReadToEnd();
            Assert.Multiple(() =>
            {
                Assert.That(text, Does.StartWith("# Micrograd.Expressions\n"));
                Assert.That(text, Does.Contain("var f = Formula.Parse(\"3*x**2 - 4*x + 5\");"), "the README's library part");
                Assert.That(text, Does.Contain(@"6 \cdot x - 4"), "backslashes kept");
                Assert.That(text, Does.Not.Contain("## Performance"));
            });
        }
        finally
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    private static string Version(string file, string prefix) => file[prefix.Length..^".nupkg".Length];

    // what a package needs on a package page: license, readme, repository and project address, tags
    private static void AssertPublishable(string package)
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

    private static string Run(string program, params string[] args)
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
}
