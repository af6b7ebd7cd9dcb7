using System.Text.Json;
using Micrograd.Expressions.Calculus;
using Micrograd.Expressions.Cli.Batch;
using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

[TestFixture]
public class FiniteDifferenceTests
{
    private static readonly Func<double[], double> Seed = Formula.Parse("3*x**2 - 4*x + 5").Compile();

    [TestCase(2.0 / 3.0, 2.999378523327323e-06)]
    [TestCase(3.0, 14.000003002223593)]
    [TestCase(-3.0, -21.999997002808414)]
    public void Forward_SeedStep_ReproducesSeed(double x, double expected)
    {
        var d = FiniteDifferences.Partial(Seed, [x], 0, DifferenceMethod.Forward, 0.000001);
        Assert.That(d.Value, Is.EqualTo(expected), $"x = {x}: {d.Value:R}");
    }

    [TestCase(DifferenceMethod.Forward, 1e-6)]
    [TestCase(DifferenceMethod.Backward, 1e-6)]
    [TestCase(DifferenceMethod.Central, 1e-9)]
    [TestCase(DifferenceMethod.Richardson, 1e-11)]
    public void Partial_DefaultStep_AccurateForMethod(DifferenceMethod method, double tolerance)
    {
        var f = Formula.Parse("exp(x)*sin(x)").Compile();
        var d = FiniteDifferences.Partial(f, [0.7], 0, method);
        var exact = Math.Exp(0.7) * (Math.Sin(0.7) + Math.Cos(0.7));
        Assert.Multiple(() =>
        {
            Assert.That(d.Value, Is.EqualTo(exact).Within(tolerance), $"{method}: {d.Value:R}");
            Assert.That(d.Error, Is.GreaterThanOrEqualTo(Math.Abs(d.Value - exact) / 10), $"{method}: the error estimate {d.Error:E2} is far too optimistic");
            Assert.That(d.IsReliable, Is.True, d.Artifact);
        });
    }

    [TestCase(DifferenceMethod.Forward, 1.4901161193847656e-08)]
    [TestCase(DifferenceMethod.Central, 6.0554544523933395e-06)]
    public void DefaultStep_IsErrorOptimalAndRepresentable(DifferenceMethod method, double expected)
    {
        var d = FiniteDifferences.Partial(Seed, [1.0], 0, method);
        Assert.Multiple(() =>
        {
            Assert.That(FiniteDifferences.DefaultStep(method, 1.0), Is.EqualTo(expected).Within(1e-2).Percent);
            Assert.That((1.0 + d.Step) - 1.0, Is.EqualTo(d.Step), "the step actually used is representable");
        });
    }

    [Test]
    public void Partial_StepBelowResolution_FlagsExactZero()
    {
        var d = FiniteDifferences.Partial(Seed, [3.0], 0, DifferenceMethod.Forward, 1e-16);
        Assert.Multiple(() =>
        {
            Assert.That(d.Value, Is.Zero);
            Assert.That(d.IsReliable, Is.False);
            Assert.That(d.Artifact, Does.Contain("x + h == x"));
        });
    }

    [Test]
    public void Partial_RoundingDominated_Flagged()
    {
        var d = FiniteDifferences.Partial(Seed, [3.0], 0, DifferenceMethod.Forward, 1e-15);
        Assert.That(d.Artifact, Does.Contain("dominated by rounding"), $"{d.Value:R}");
    }

    [Test]
    public void Partial_ConstantFunction_ZeroIsNotAnArtifact()
    {
        var d = FiniteDifferences.Partial(Formula.Parse("fun x y -> y*y").Compile(), [1.0, 2.0], 0, DifferenceMethod.Forward);
        Assert.Multiple(() =>
        {
            Assert.That(d.Value, Is.Zero);
            Assert.That(d.IsReliable, Is.True, d.Artifact);
        });
    }

    [Test]
    public void Partial_NotFinite_Flagged()
    {
        var d = FiniteDifferences.Partial(Formula.Parse("log(x)").Compile(), [0.0], 0);
        Assert.That(d.IsReliable, Is.False);
    }

    [Test]
    public void Partial_UserDelegate_WorksWithoutFormula()
    {
        var d = FiniteDifferences.Partial(v => v[0] * v[1], [2.0, -3.0], 1, DifferenceMethod.Richardson);
        Assert.That(d.Value, Is.EqualTo(2.0).Within(1e-12));
    }

    [Test]
    public void Gradient_SeedMultiInput_IsBAOne()
    {
        var g = FiniteDifferences.Gradient(Formula.Parse("a*b + c").Compile(), [2.0, -3.0, 10.0]);
        Assert.That(g.Select(d => Math.Round(d.Value, 9)), Is.EqualTo(new[] { -3.0, 2.0, 1.0 }));
    }

    [Test]
    public void Second_Parabola_IsSix()
    {
        var d = FiniteDifferences.Second(Seed, [1.5], 0);
        Assert.That(d.Value, Is.EqualTo(6.0).Within(1e-6), $"{d.Value:R} ± {d.Error:E2}");
    }

    [Test]
    public void Partial_CallerArray_NotModified()
    {
        double[] point = [1.0, 2.0];
        FiniteDifferences.Partial(v => v[0] + v[1], point, 0);
        Assert.That(point, Is.EqualTo(new[] { 1.0, 2.0 }));
    }

    [Test]
    public void Check_SeedAtThree_AllOk()
    {
        var check = DerivativeChecker.Check(Formula.Parse("3*x**2 - 4*x + 5"), new Dictionary<string, double> { ["x"] = 3 });
        Assert.Multiple(() =>
        {
            Assert.That(check.Ok, Is.True);
            Assert.That(check.Rows[0].Derivative, Is.EqualTo("6*x - 4"));
            Assert.That(check.Rows[0].Symbolic, Is.EqualTo(14.0));
        });
    }

    [Test]
    public void Check_WrongHandDerivative_Mismatch()
    {
        // a user's hand-derived slope checked the same way: compare 6*x - 3 with the numeric slope of f
        var f = Formula.Parse("3*x**2 - 4*x + 5").Compile();
        var numeric = FiniteDifferences.Partial(f, [3.0], 0, DifferenceMethod.Richardson);
        var hand = Formula.Parse("6*x - 3").Evaluate(3.0);
        Assert.That(Math.Abs(hand - numeric.Value), Is.GreaterThan(100 * numeric.Error), $"{hand} vs {numeric.Value} ± {numeric.Error}");
    }

    [Test]
    public void Scan_Box_ReportsWorstFirst()
    {
        var rows = DerivativeChecker.Scan(Formula.Parse("abs(x)*y"), new Dictionary<string, (double, double)> { ["x"] = (-1, 1), ["y"] = (1, 2) }, 200);
        Assert.Multiple(() =>
        {
            Assert.That(rows, Has.Count.EqualTo(400));
            Assert.That(rows.TakeWhile(r => !r.Ok).Count(), Is.EqualTo(rows.Count(r => !r.Ok)), "not-ok rows come first");
        });
    }

    [Test]
    public void Sweep_Seed_ErrorShrinksThenGrowsThenExactZero()
    {
        var rows = DerivativeChecker.Sweep(Formula.Parse("3*x**2 - 4*x + 5"), new Dictionary<string, double> { ["x"] = 3 }, "x");
        var best = rows.MinBy(r => r.AbsoluteError)!;
        Assert.Multiple(() =>
        {
            Assert.That(rows, Has.Count.EqualTo(16));
            Assert.That(rows[0].AbsoluteError, Is.GreaterThan(best.AbsoluteError));
            Assert.That(rows[^2].AbsoluteError, Is.GreaterThan(best.AbsoluteError));
            Assert.That(rows[^1].Numeric.Value, Is.Zero, "at h = 1e-16, x + h == x");
            Assert.That(best.Step, Is.InRange(1e-9, 1e-6), "the best forward step is near sqrt(eps)");
        });
    }

    [TestCase("forward", "0.000001", "14.000003002223593")]
    [TestCase("central", null, "13.99999999995111")] // Python: (f(3 + h) - f(3 - h))/(2h), h = cbrt(eps)*3 rounded
    public void CheckCommand_Seed_PrintsTable(string method, string? h, string numeric)
    {
        var args = new List<string> { "check", "3*x**2 - 4*x + 5", "x=3", "--method", method };
        if (h is not null)
        {
            args.AddRange(["--h", h]);
        }

        var (code, output, error) = Mgx.Run([.. args]);
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero, error);
            Assert.That(output, Does.Contain("| x        | 3     | 6*x - 4    | 14 "));
            Assert.That(output, Does.Contain(numeric));
            Assert.That(output, Does.EndWith("all derivatives agree\n"));
        });
    }

    [TestCase("a", "-3.000000000010772")]
    [TestCase("b", "2.0000000000042206")]
    [TestCase("c", "0.9999999999976694")]
    public void CheckCommand_SeedPartials_ExactSeedNumbers(string variable, string slope)
    {
        var (_, output, _) = Mgx.Run("check", "a*b + c", "a=2", "b=-3", "c=10", "--method", "forward", "--h", "0.0001", "--json");
        using var json = JsonDocument.Parse(output);
        var row = json.RootElement.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("variable").GetString() == variable);
        Assert.That(row.GetProperty("numeric").GetDouble(), Is.EqualTo(double.Parse(slope, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public void CheckCommand_Sweep_ShowsExactZeroArtifact()
    {
        var (code, output, _) = Mgx.Run("check", "3*x**2 - 4*x + 5", "x=3", "--sweep");
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero);
            Assert.That(output, Does.Contain("| 1e-16  | 0 "));
            Assert.That(output, Does.Contain("x + h == x"));
        });
    }

    [Test]
    public void CheckCommand_Scan_ListsWorst()
    {
        var (code, output, error) = Mgx.Run("check", "sin(x)*y", "x=-3:3", "y=0:1", "--scan", "50");
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero, error);
            Assert.That(output, Does.StartWith("50 points, 100 checks, 0 not ok; the worst:"));
        });
    }

    [Test]
    public void BatchCheck_Seed_RowsAndVerdict()
    {
        using var response = JsonDocument.Parse(BatchSession.Handle("""{"op":"check","formula":"3*x**2 - 4*x + 5","at":{"x":3},"method":"forward","h":1e-6}"""));
        var row = response.RootElement.GetProperty("rows")[0];
        Assert.Multiple(() =>
        {
            Assert.That(response.RootElement.GetProperty("ok").GetBoolean(), Is.True);
            Assert.That(row.GetProperty("variable").GetString(), Is.EqualTo("x"));
            Assert.That(row.GetProperty("symbolic").GetDouble(), Is.EqualTo(14.0));
            Assert.That(row.GetProperty("numeric").GetDouble(), Is.EqualTo(14.000003002223593));
            Assert.That(row.GetProperty("absError").GetDouble(), Is.EqualTo(3.002223593e-06).Within(1e-14));
            Assert.That(row.GetProperty("ok").GetBoolean(), Is.True);
        });
    }

    [Test]
    public void BatchCheck_UnknownMethod_RequestError()
    {
        using var response = JsonDocument.Parse(BatchSession.Handle("""{"op":"check","formula":"x","at":{"x":3},"method":"sideways"}"""));
        Assert.That(response.RootElement.GetProperty("error").GetProperty("message").GetString(), Does.Contain("field `method` must be one of forward, backward, central, richardson"));
    }
}
