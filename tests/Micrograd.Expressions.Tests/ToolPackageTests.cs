using System.IO.Compression;
using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

/// <summary>
/// The dotnet tool package: packed into a local folder, installed with <c>dotnet tool install --tool-path</c>, and
/// run from there. The package for this platform carries the ReadyToRun build.
/// </summary>
[TestFixture]
[Category(Categories.ToolPackage)]
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
            Dotnet.Run("dotnet", "pack", project, "-c", "Release", "-o", packages, "-p:UseArtifactsOutput=true", $"-p:ArtifactsPath={Path.Combine(work, "artifacts")}");
            // the version comes from git tags (MinVer): whatever it is, every package has the same
            var names = Directory.GetFiles(packages).Select(Path.GetFileName).ToList();
            var version = Version(names.Single(n => n!.StartsWith("Micrograd.Expressions.Cli.linux-x64.", StringComparison.Ordinal) && n.EndsWith(".nupkg", StringComparison.Ordinal))!, "Micrograd.Expressions.Cli.linux-x64.");
            Assert.That(names, Does.Contain($"Micrograd.Expressions.Cli.{version}.nupkg").And.Contain($"Micrograd.Expressions.Cli.any.{version}.nupkg")
                .And.Contain($"Micrograd.Expressions.Cli.linux-x64.{version}.snupkg"), string.Join(", ", names));
            Dotnet.AssertPublishable(Path.Combine(packages, $"Micrograd.Expressions.Cli.{version}.nupkg"));

            // what a user of this platform downloads: the pointer package and this platform's (ReadyToRun, with only
            // this platform's SkiaSharp natives); the `any` fallback, with every platform's natives, is far larger
            var download = new FileInfo(Path.Combine(packages, $"Micrograd.Expressions.Cli.{version}.nupkg")).Length
                + new FileInfo(Path.Combine(packages, $"Micrograd.Expressions.Cli.linux-x64.{version}.nupkg")).Length;
            Assert.That(download, Is.LessThan(20L << 20), $"the linux-x64 tool packages are {download:N0} bytes");

            using (var linux = ZipFile.OpenRead(Path.Combine(packages, $"Micrograd.Expressions.Cli.linux-x64.{version}.nupkg")))
            {
                var entry = linux.Entries.Single(e => e.FullName.EndsWith("/mgx.dll", StringComparison.Ordinal));
                using var stream = entry.Open();
                Assert.That(Dotnet.IsReadyToRun(stream), Is.True, "mgx.dll in the linux-x64 package is ReadyToRun code");
            }

            var tools = Path.Combine(work, "tools");
            Dotnet.Run("dotnet", "tool", "install", "Micrograd.Expressions.Cli", "--version", version, "--tool-path", tools, "--add-source", packages);
            var mgx = Path.Combine(tools, OperatingSystem.IsWindows() ? "mgx.exe" : "mgx");
            Assert.That(Dotnet.Run(mgx, "diff", "3*x**2 - 4*x + 5"), Is.EqualTo("6*x - 4\n"));
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
}
