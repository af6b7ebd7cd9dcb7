using System.IO.Compression;
using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

/// <summary>
/// The two packages, packed once for both tests (the engine is built once for both, in one output folder apart
/// from the build the tests run against). The library: license, readme, repository and symbols; a portable build
/// in lib/ and ReadyToRun builds in runtimes/RID/lib/, which a framework-dependent app picks at start-up on those
/// platforms (docs/performance.md, section 14). The dotnet tool: installed with <c>dotnet tool install
/// --tool-path</c> and run from there; the package for this platform carries the ReadyToRun build.
/// </summary>
[TestFixture]
[Category(Categories.ToolPackage)]
[NonParallelizable]
public class PackageTests
{
    private string work = "";
    private string packages = "";

    [OneTimeSetUp]
    public void PackBoth()
    {
        work = Path.Combine(Path.GetTempPath(), $"mgx-packages-{Guid.NewGuid():N}");
        packages = Path.Combine(work, "packages");
        foreach (var project in new[] { "Micrograd.Expressions", "Micrograd.Expressions.Cli" })
        {
            // the second pack finds the engine the first built in the same artifacts folder
            Dotnet.Run("dotnet", "pack", Path.Combine(Repository.Root(), "src", project, $"{project}.csproj"), "-c", "Release", "-o", packages,
                "-p:UseArtifactsOutput=true", $"-p:ArtifactsPath={Path.Combine(work, "artifacts")}");
        }
    }

    [OneTimeTearDown]
    public void RemoveThem()
    {
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Test]
    public void LibraryPackage_PackAndUse_PublishableAndTheAppLoadsTheReadyToRunBuild()
    {
        // the library's package alone: the tool's start with Micrograd.Expressions.Cli.
        var package = Directory.GetFiles(packages, "Micrograd.Expressions.*.nupkg").Single(p => !Path.GetFileName(p).StartsWith("Micrograd.Expressions.Cli.", StringComparison.Ordinal));
        Assert.That(File.Exists(Path.ChangeExtension(package, ".snupkg")), Is.True, $"symbols beside {package}");
        Dotnet.AssertPublishable(package);
        string version;
        using (var zip = ZipFile.OpenRead(package))
        {
            using (var readme = new StreamReader(zip.GetEntry("README.md")!.Open()))
            {
                var text = readme.ReadToEnd();
                Assert.Multiple(() =>
                {
                    Assert.That(text, Does.StartWith("# Micrograd.Expressions\n"));
                    Assert.That(text, Does.Contain("var f = Formula.Parse(\"3*x**2 - 4*x + 5\");"), "the README's library part");
                    Assert.That(text, Does.Contain(@"6 \cdot x - 4"), "backslashes kept");
                    Assert.That(text, Does.Not.Contain("## Performance"));
                });
            }

            var builds = zip.Entries.Where(e => e.Name == "Micrograd.Expressions.dll").ToDictionary(e => e.FullName, e => Dotnet.IsReadyToRun(e.Open()));
            var listing = string.Join(", ", builds.Select(b => $"{b.Key} (ReadyToRun: {b.Value})"));
            Assert.That(builds, Does.ContainKey("lib/net10.0/Micrograd.Expressions.dll").WithValue(false), listing);
            Assert.That(builds, Does.ContainKey("runtimes/linux-x64/lib/net10.0/Micrograd.Expressions.dll").WithValue(true), listing);
            Assert.That(builds, Does.ContainKey("runtimes/linux-arm64/lib/net10.0/Micrograd.Expressions.dll").WithValue(true), listing);
            version = Path.GetFileNameWithoutExtension(package)["Micrograd.Expressions.".Length..];
        }

        // a framework-dependent, portable app (no runtime identifier) that uses the package
        var app = Path.Combine(work, "app");
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "app.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <RestorePackagesPath>{Path.Combine(work, "restored")}</RestorePackagesPath>
                <RestoreAdditionalProjectSources>{packages}</RestoreAdditionalProjectSources>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Micrograd.Expressions" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using Micrograd.Expressions;
            System.Console.WriteLine(Formula.Parse("3*x**2 - 4*x + 5").Evaluate(3.0));
            System.Console.WriteLine(System.IO.Path.GetRelativePath(System.AppContext.BaseDirectory, typeof(Formula).Assembly.Location));
            """);
        var output = Dotnet.Run("dotnet", "run", "--project", Path.Combine(app, "app.csproj"), "-c", "Release").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(output[0], Is.EqualTo("20"), string.Join("\n", output));
        var expected = System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier is "linux-x64" or "linux-arm64"
            ? Path.Combine("runtimes", System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier, "lib", "net10.0", "Micrograd.Expressions.dll")
            : "Micrograd.Expressions.dll";
        Assert.That(output[1], Is.EqualTo(expected), "the engine the app loaded");
    }

    [Test]
    public void ToolPackage_PackInstallRun_MgxDiffPrintsTheDerivative()
    {
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

    private static string Version(string file, string prefix) => file[prefix.Length..^".nupkg".Length];
}
