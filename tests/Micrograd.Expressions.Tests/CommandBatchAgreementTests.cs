using System.Text.Json;
using Micrograd.Expressions.Cli.Batch;
using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

/// <summary>A command and the batch op of the same name share one handler: the same inputs give the same answer.</summary>
[TestFixture]
public class CommandBatchAgreementTests
{
    [TestCase("3*x**2 - 4*x + 5", null, 1, "formula")]
    [TestCase("3*x**2 - 4*x + 5", "x", 2, "latex")]
    [TestCase("a*b + sin(c)", null, 1, "formula")]
    [TestCase("a*b + sin(c)", null, 2, "csharp")]
    [TestCase("a*b + sin(c)", "c", 0, "sql")]
    [TestCase("5", null, 1, "formula")]
    [TestCase("5", null, 0, "formula")]
    [TestCase("pi + 1", "x", 1, "formula")]
    [TestCase("let u = x*y in u**2", null, 1, "dynamic-linq")]
    public void Diff_CommandAndBatch_SameDerivatives(string formula, string? wrt, int order, string format)
    {
        var args = new List<string> { "diff", formula, "--order", $"{order}", "--format", format };
        if (wrt is not null)
        {
            args.AddRange(["--wrt", wrt]);
        }

        var (code, output, error) = Mgx.Run([.. args]);
        var request = JsonSerializer.Serialize(new Dictionary<string, object?> { ["op"] = "diff", ["formula"] = formula, ["wrt"] = wrt, ["order"] = order, ["format"] = format });
        using var response = JsonDocument.Parse(BatchSession.Handle(request));
        var batch = response.RootElement.TryGetProperty("derivative", out var one)
            ? [("", one.GetString()!)]
            : response.RootElement.GetProperty("derivatives").EnumerateObject().Select(p => (p.Name, p.Value.GetString()!)).ToList();
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // the command prints a lone derivative bare and several as "d/dp = text"
        var command = lines.Length == 1 && batch.Count == 1
            ? [(batch[0].Item1, lines[0])]
            : lines.Select(l => (l[(l.IndexOf("/d", StringComparison.Ordinal) + 2)..l.IndexOf(' ', StringComparison.Ordinal)].Split('^')[0], l[(l.IndexOf(" = ", StringComparison.Ordinal) + 3)..])).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero, $"mgx {string.Join(" ", args)}: {error}");
            Assert.That(command, Is.EqualTo(batch), $"mgx {string.Join(" ", args)} printed {output}; batch answered {response.RootElement}");
        });
    }

    // a limit of FormulaOptions is checked once, by the library: both front ends answer it as its limit error
    [TestCase(-1, "request", "must be 0 or more")]
    [TestCase(33, "limit", "the order 33 exceeds the limit (FormulaOptions.MaxOrder) of 32")]
    [TestCase(2147483647, "limit", "the order 2147483647 exceeds the limit (FormulaOptions.MaxOrder) of 32")]
    public void Diff_OrderOutOfRange_CommandAndBatchSameRefusal(int order, string kind, string message)
    {
        var (code, _, error) = Mgx.Run("diff", "x**2", "--order", $"{order}");
        using var response = JsonDocument.Parse(BatchSession.Handle($$"""{"op":"diff","formula":"x**2","order":{{order}}}"""));
        var refusal = response.RootElement.GetProperty("error");
        Assert.Multiple(() =>
        {
            Assert.That(refusal.GetProperty("kind").GetString(), Is.EqualTo(kind), $"batch order {order}: {refusal}");
            Assert.That(refusal.GetProperty("message").GetString(), Does.Contain(message), $"batch order {order}: {refusal}");
            Assert.That(error, Does.Contain(message), $"mgx diff --order {order}: exit {code}, {error}");
            Assert.That(code, Is.EqualTo(kind == "limit" ? 1 : 2), $"mgx diff --order {order}: {error}");
        });
    }

    [TestCase("grad", "let e = a*b; let d = e + c; d * f", "a=2 b=-3 c=10 f=-2")]
    [TestCase("grad", "tanh(x*w + b)", "x=0.5 w=-1.5 b=0.25")]
    [TestCase("check", "3*x**2 - 4*x + 5", "x=3")]
    [TestCase("check", "sin(a)*exp(b)", "a=1 b=0.5")]
    public void JsonOutput_CommandAndBatch_SameFields(string op, string formula, string point)
    {
        var bindings = point.Split(' ');
        var (code, output, error) = Mgx.Run([op, formula, .. bindings, "--json"]);
        var at = bindings.ToDictionary(b => b.Split('=')[0], b => double.Parse(b.Split('=')[1], System.Globalization.CultureInfo.InvariantCulture));
        var response = BatchSession.Handle(JsonSerializer.Serialize(new { op, formula, at }));
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero, error);
            Assert.That(output.TrimEnd('\n'), Is.EqualTo(response), $"mgx {op} {formula} {point} --json");
        });
    }

    [Test]
    public void Diff_ConstantWithoutWrt_NoDerivativesAndANote()
    {
        var (code, output, error) = Mgx.Run("diff", "5");
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero, error);
            Assert.That(output, Is.Empty, "stdout, as the batch op's empty `derivatives`");
            Assert.That(error, Does.Contain("has no parameters"), error);
        });
    }
}
