using System.Buffers.Binary;
using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

[TestFixture]
public class PlotTests
{
    private string directory = "";

    [SetUp]
    public void CreateDirectory() => directory = Directory.CreateTempSubdirectory("mgx-plot-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(directory, recursive: true);

    [Test]
    public void Plot_Png_HasRequestedSize()
    {
        var path = Path.Combine(directory, "f.png");
        var (code, _, error) = Mgx.Run("plot", "3*x**2 - 4*x + 5", "--from", "-5", "--to", "5", "--step", "0.25", "--out", path, "--width", "640", "--height", "360");
        Assert.That(code, Is.Zero, error);
        var header = File.ReadAllBytes(path)[..24];
        Assert.Multiple(() =>
        {
            Assert.That(header[1..4], Is.EqualTo("PNG"u8.ToArray()));
            Assert.That(BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(16, 4)), Is.EqualTo(640));
            Assert.That(BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(20, 4)), Is.EqualTo(360));
        });
    }

    [Test]
    public void Plot_SvgWithDerivativeAndTangent_ContainsEverySeries()
    {
        var path = Path.Combine(directory, "f.svg");
        var (code, _, error) = Mgx.Run("plot", "3*x**2 - 4*x + 5", "--derivative", "--tangent", "3", "--out", path);
        Assert.That(code, Is.Zero, error);
        var svg = File.ReadAllText(path);
        Assert.Multiple(() =>
        {
            Assert.That(svg, Does.Contain("width=\"800\" height=\"500\""));
            Assert.That(svg, Does.Contain("f(x) = 3*x**2 - 4*x + 5"));
            Assert.That(svg, Does.Contain("f&apos;(x) = 6*x - 4"), "SVG escapes the apostrophe");
            Assert.That(svg, Does.Contain("tangent at x = 3: slope 14"));
        });
    }

    [Test]
    public void Plot_Sweep_LogLogErrorSeries()
    {
        var path = Path.Combine(directory, "sweep.svg");
        var (code, _, error) = Mgx.Run("plot", "3*x**2 - 4*x + 5", "--sweep", "3", "--out", path);
        Assert.That(code, Is.Zero, error);
        var svg = File.ReadAllText(path);
        Assert.Multiple(() =>
        {
            Assert.That(svg, Does.Contain("log10 h"));
            Assert.That(svg, Does.Contain("forward difference: |numeric - symbolic|"));
        });
    }

    [TestCase("x*y", 1, "one parameter")]
    [TestCase("x", 2, "unknown picture type")]
    public void Plot_BadRequest_ExitsWithMessage(string formula, int expectedCode, string fragment)
    {
        var (code, _, error) = Mgx.Run("plot", formula, "--out", Path.Combine(directory, "f.bmp"));
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(expectedCode), error);
            Assert.That(error, Does.Contain(fragment));
        });
    }
}
