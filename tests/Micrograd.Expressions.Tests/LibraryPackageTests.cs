using System.IO.Compression;
using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

/// <summary>
/// The library package: license, readme, repository and symbols; a portable build in lib/ and ReadyToRun builds in
/// runtimes/RID/lib/, which a framework-dependent app picks at start-up on those platforms (docs/performance.md,
/// section 14).
/// </summary>
[TestFixture]
[Category(Categories.ToolPackage)]
[NonParallelizable]
public class LibraryPackageTests
{
    [Test]
    public void LibraryPackage_PackAndUse_PublishableAndTheAppLoadsTheReadyToRunBuild()
    {
        var work = Path.Combine(Path.GetTempPath(), $"mgx-library-{Guid.NewGuid():N}");
        try
        {
            var packages = Path.Combine(work, "packages");
            var project = Path.Combine(Repository.Root(), "src", "Micrograd.Expressions", "Micrograd.Expressions.csproj");
            // its own output folders, so the pack does not touch the build the tests run against
            Dotnet.Run("dotnet", "pack", project, "-c", "Release", "-o", packages, "-p:UseArtifactsOutput=true", $"-p:ArtifactsPath={Path.Combine(work, "artifacts")}");
            var package = Directory.GetFiles(packages, "Micrograd.Expressions.*.nupkg").Single();
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
        finally
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }
}
