using System.Globalization;
using System.Text.Json;
using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

/// <summary><c>mgx train</c> against micrograd's demo, its options and its errors.</summary>
[TestFixture]
public class TrainCommandTests
{
    [TestCase(false)]
    [TestCase(true)]
    public void Train_DemoWithMicrogradWeights_MicrogradTrajectoryAsJson(bool eager)
    {
        string[] args = ["train", "--data", Repository.Micrograd("moons.csv"), "--init", Repository.Micrograd("init_params.txt"), "--json", .. (eager ? new[] { "--eager" } : [])];
        var (code, output, error) = Mgx.Run(args);
        var expected = File.ReadAllLines(Repository.Micrograd("moons_trajectory.txt")).Where(l => l.StartsWith("step ", StringComparison.Ordinal))
            .Select(l => l.Split(' ')).Select(w => double.Parse(w[3], CultureInfo.InvariantCulture)).ToList();
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(code, Is.Zero, error);
        Assert.That(lines, Has.Length.EqualTo(101));
        for (var k = 0; k < 100; k++)
        {
            using var step = JsonDocument.Parse(lines[k]);
            Assert.That(step.RootElement.GetProperty("step").GetInt32(), Is.EqualTo(k));
            Assert.That(step.RootElement.GetProperty("loss").GetDouble(), Is.EqualTo(expected[k]).Within(1e-9 * expected[k]), lines[k]);
        }

        using var final = JsonDocument.Parse(lines[100]);
        Assert.Multiple(() =>
        {
            Assert.That(final.RootElement.GetProperty("step").GetInt32(), Is.EqualTo(100));
            Assert.That(final.RootElement.GetProperty("loss").GetDouble(), Is.EqualTo(0.010977891483772165).Within(1e-11));
            Assert.That(final.RootElement.GetProperty("accuracy").GetDouble(), Is.EqualTo(1.0));
        });
    }

    [TestCase(".png", new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' })]
    [TestCase(".svg", new byte[] { (byte)'<', (byte)'?', (byte)'x', (byte)'m' })]
    public void Train_Plot_WritesPicture(string extension, byte[] magic)
    {
        var file = Path.Combine(Path.GetTempPath(), $"mgx-train-{Guid.NewGuid():N}{extension}");
        try
        {
            var (code, output, error) = Mgx.Run("train", "--data", Repository.Micrograd("moons.csv"), "--steps", "5", "--plot", file);
            Assert.Multiple(() =>
            {
                Assert.That(code, Is.Zero, error);
                Assert.That(output, Does.Contain($"wrote {file}"));
                Assert.That(File.ReadAllBytes(file).Take(4), Is.EqualTo(magic));
            });
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public void Train_LectureOptions_RunsAndReportsFinalLoss()
    {
        var (code, output, error) = Mgx.Run("train", "--data", Repository.Micrograd("moons.csv"), "--layers", "4,4,1", "--activation", "tanh", "--output", "tanh",
            "--bias", "uniform", "--loss", "squared", "--lr", "0.01", "--steps", "20", "--seed", "7");
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero, error);
            Assert.That(output, Does.StartWith("step 0 loss "));
            Assert.That(output, Does.Contain("after 20 updates: loss "));
        });
    }

    [TestCase(2, "--layers", "16,16")]
    [TestCase(2, "--layers", "10000,10000,1")]
    [TestCase(2, "--layers", "16,x,1")]
    [TestCase(2, "--activation", "sigmoid")]
    [TestCase(2, "--loss", "hinge")]
    [TestCase(2, "--steps", "0")]
    [TestCase(2, "--lr", "-1")]
    [TestCase(2, "--lr-decay", "2")]
    [TestCase(2, "--plot", "/nonexistent-directory/m.png")]
    [TestCase(2, "--plot", "m.bmp")]
    [TestCase(2, "--init", "/nonexistent.txt")]
    public void Train_BadOption_OneLineAndExitCode(int expected, string option, string value)
    {
        var (code, output, error) = Mgx.Run("train", "--data", Repository.Micrograd("moons.csv"), option, value);
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(expected), error);
            Assert.That(error.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(1), error);
            Assert.That(error, Does.StartWith("mgx: "));
            Assert.That(output, Is.Empty);
        });
    }

    [Test]
    public void Train_MalformedData_NamesTheLine()
    {
        var file = Path.Combine(Path.GetTempPath(), $"mgx-train-{Guid.NewGuid():N}.csv");
        File.WriteAllText(file, "x1,x2,y\n1,2,1\n1,oops,-1\n");
        try
        {
            var (code, _, error) = Mgx.Run("train", "--data", file);
            Assert.Multiple(() =>
            {
                Assert.That(code, Is.EqualTo(1));
                Assert.That(error, Does.Contain("line 3, column 2: `oops` is not a number"));
            });
        }
        finally
        {
            File.Delete(file);
        }
    }
}
