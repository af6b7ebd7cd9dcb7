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

    [TestCase("x1,x2,y\n1,2,1\n1,oops,-1\n", "line 3, column 2: `oops` is not a number")]
    [TestCase("x1,x2,y\n1,NaN,1\n", "line 2, column 2: `NaN` is not a finite number")]
    [TestCase("x1,x2,y\n1,2,1\nInfinity,2,1\n", "line 3, column 1: `Infinity` is not a finite number")]
    [TestCase("x1,x2,y\n1,2,1e400\n", "line 2, column 3: `1e400` is not a finite number")]
    [TestCase("x1,x2,y\n1,2,1\n1,2,0\n", "line 3, column 3: the label is 0; the labels must be -1 or 1")]
    [TestCase("x1,x2,y\n1,2,2\n", "line 2, column 3: the label is 2; the labels must be -1 or 1")]
    [TestCase("x1,x2,y\n1,2,1\n1,2\n", "line 3, column 3: 2 columns, but the header has 3")]
    [TestCase("x1,x2,y\n1,2,1,4\n", "line 2, column 4: 4 columns, but the header has 3")]
    [TestCase("", "line 1, column 1: the data is empty")]
    [TestCase("x1,x2,y\n", "line 2, column 1: the data has a header but no points")]
    [TestCase("x1,x2,y\n\n\n", "line 4, column 1: the data has a header but no points")]
    public void Train_BadData_ExitsOneNamingLineAndColumn(string text, string fragment)
    {
        var file = Temporary(".csv", text);
        try
        {
            var (code, output, error) = Mgx.Run("train", "--data", file, "--steps", "1");
            Assert.Multiple(() =>
            {
                Assert.That(code, Is.EqualTo(1), $"{text}: {error}");
                Assert.That(error, Is.EqualTo($"mgx: {Path.GetFileName(file)}: {fragment}\n").Or.StartWith($"mgx: {Path.GetFileName(file)}: {fragment}"), text);
                Assert.That(output, Is.Empty, text);
            });
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public void Train_SquaredLossLabelsOtherThanPlusMinusOne_Trains()
    {
        var file = Temporary(".csv", "x1,x2,y\n1,2,0.5\n-1,0,3\n");
        try
        {
            var (code, _, error) = Mgx.Run("train", "--data", file, "--loss", "squared", "--lr", "0.01", "--steps", "2");
            Assert.That(code, Is.Zero, error);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [TestCase("1\nNaN\n", "line 2, column 1: `NaN` is not a finite number")]
    [TestCase("1\n-Infinity\n", "line 2, column 1: `-Infinity` is not a finite number")]
    [TestCase("1\n\nx\n", "line 3, column 1: `x` is not a number")]
    public void Train_BadInitialParameters_ExitsOneNamingLine(string text, string fragment)
    {
        var file = Temporary(".txt", text);
        try
        {
            var (code, output, error) = Mgx.Run("train", "--init", file, "--steps", "1");
            Assert.Multiple(() =>
            {
                Assert.That(code, Is.EqualTo(1), $"{text}: {error}");
                Assert.That(error, Does.Contain(fragment), text);
                Assert.That(output, Is.Empty, text);
            });
        }
        finally
        {
            File.Delete(file);
        }
    }

    [TestCase("1e10", 1)]
    [TestCase("1e6", 2)]
    public void Train_LossTurnsNonFinite_StopsNamingTheStep(string rate, int earliest)
    {
        var (code, output, error) = Mgx.Run("train", "--lr", rate, "--steps", "50");
        var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(1), error);
            Assert.That(error, Does.Match($"^mgx: the loss is (NaN|Infinity) at step {last}: training diverged; try a smaller --lr\n$"), output);
            Assert.That(last, Is.GreaterThanOrEqualTo(earliest), output);
            Assert.That(output, Does.Not.Contain("NaN").And.Not.Contain("Infinity"));
        });
    }

    [Test]
    public void Train_PlotOfThreeFeatures_RefusedBeforeTheFirstStep()
    {
        var file = Temporary(".csv", "a,b,c,y\n1,2,3,1\n3,2,1,-1\n");
        try
        {
            var (code, output, error) = Mgx.Run("train", "--data", file, "--plot", Path.Combine(Path.GetTempPath(), "never.png"));
            Assert.Multiple(() =>
            {
                Assert.That(code, Is.EqualTo(2), error);
                Assert.That(error, Is.EqualTo("mgx: --plot draws a decision boundary of two features; this data has 3\n"));
                Assert.That(output, Is.Empty, "no step ran");
            });
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public void Train_PlotIntoUnwritablePlace_RefusedBeforeTheFirstStep()
    {
        // a directory where the picture should be: it cannot be opened for writing, whoever runs the test
        var directory = Directory.CreateTempSubdirectory("mgx-train-");
        var picture = Path.Combine(directory.FullName, "taken.png");
        Directory.CreateDirectory(picture);
        try
        {
            var (code, output, error) = Mgx.Run("train", "--plot", picture);
            Assert.Multiple(() =>
            {
                Assert.That(code, Is.EqualTo(1), error);
                Assert.That(error, Does.StartWith($"mgx: cannot write {picture}: "));
                Assert.That(output, Is.Empty, "no step ran");
            });
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Test]
    public void Train_NoData_TrainsMicrogradsDemo()
    {
        var builtIn = Mgx.Run("train", "--steps", "3", "--json");
        var files = Mgx.Run("train", "--data", Repository.Micrograd("moons.csv"), "--init", Repository.Micrograd("init_params.txt"), "--steps", "3", "--json");
        Assert.Multiple(() =>
        {
            Assert.That(builtIn.Code, Is.Zero, builtIn.Error);
            Assert.That(builtIn.Out, Is.EqualTo(files.Out));
            Assert.That(builtIn.Out, Does.StartWith("{\"step\":0,\"loss\":0.8958441028683222,"));
        });
    }

    [TestCase("--seed", "7")]
    [TestCase("--layers", "4,1")]
    public void Train_NoDataWithOwnInitialisation_TrainsTheDemoPointsFromIt(string option, string value)
    {
        var (code, output, error) = Mgx.Run("train", option, value, "--steps", "1", "--json");
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero, error);
            Assert.That(output, Does.StartWith("{\"step\":0,").And.Not.StartWith("{\"step\":0,\"loss\":0.8958441028683222,"));
        });
    }

    private static string Temporary(string extension, string text)
    {
        var file = Path.Combine(Path.GetTempPath(), $"mgx-train-{Guid.NewGuid():N}{extension}");
        File.WriteAllText(file, text);
        return file;
    }
}
