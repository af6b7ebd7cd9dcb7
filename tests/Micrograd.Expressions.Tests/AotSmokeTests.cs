using System.Globalization;
using Micrograd.Expressions.AotSmoke;
using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

/// <summary>
/// The NativeAOT smoke app (tests/Micrograd.Expressions.AotSmoke) runs every public operation of the engine and
/// prints the bits of each result. Its native build, published by .ci/run (where a trim or AOT warning fails the
/// publish: warnings are errors), must print exactly what the same program prints here, under the JIT.
/// </summary>
[TestFixture]
[Category(Categories.Aot)]
[NonParallelizable]
public class AotSmokeTests
{
    private const string Publish = "dotnet publish tests/Micrograd.Expressions.AotSmoke -c Release -r linux-x64";

    [Test]
    public void AotSmoke_NativeBuild_PrintsTheJitBuildsBits()
    {
        var root = Repository.Root();
        var native = Path.Combine(root, "tests", "Micrograd.Expressions.AotSmoke", "bin", "Release", "net10.0", "linux-x64", "publish",
            OperatingSystem.IsWindows() ? "Micrograd.Expressions.AotSmoke.exe" : "Micrograd.Expressions.AotSmoke");
        var ci = Environment.GetEnvironmentVariable("CI") == "true";
        if (!File.Exists(native) || File.GetLastWriteTimeUtc(native) < NewestSource(root))
        {
            var why = File.Exists(native) ? "older than the engine's or the app's sources" : "absent";
            if (ci)
            {
                Assert.Fail($"the NativeAOT smoke build is {why}: .ci/run publishes it ({Publish})");
            }

            Assert.Ignore($"the NativeAOT smoke build is {why}: {Publish} (needs clang or gcc: apt-get install -y clang)");
        }

        var jit = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        Smoke.Run(jit);
        var expected = jit.ToString().Split('\n');
        var actual = Dotnet.Run(native).Split('\n');

        Assert.Multiple(() =>
        {
            Assert.That(expected.Where(line => line.StartsWith("FAILED", StringComparison.Ordinal)), Is.Empty, "operations that fail under the JIT");
            Assert.That(actual.Where(line => line.StartsWith("FAILED", StringComparison.Ordinal)), Is.Empty, "operations that fail under NativeAOT");
            for (var i = 0; i < Math.Max(expected.Length, actual.Length); i++)
            {
                var (want, got) = (i < expected.Length ? expected[i] : "(none)", i < actual.Length ? actual[i] : "(none)");
                Assert.That(got, Is.EqualTo(want), $"line {i + 1} of the smoke run: NativeAOT printed {got}, the JIT {want}");
            }
        });
    }

    // the last change to what the native build is made of: the engine's sources and the app's own
    private static DateTime NewestSource(string root) =>
        new[] { Path.Combine(root, "src", "Micrograd.Expressions"), Path.Combine(root, "tests", "Micrograd.Expressions.AotSmoke") }
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*.cs*", SearchOption.AllDirectories))
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Max(File.GetLastWriteTimeUtc);
}
