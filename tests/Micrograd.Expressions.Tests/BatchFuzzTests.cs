using System.Globalization;
using System.Text;
using System.Text.Json;
using Micrograd.Expressions.Cli.Batch;
using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

/// <summary>
/// The batch protocol under a stream of generated requests, most of them hostile: every field of every op
/// given the wrong type, an out-of-range value, a string that is not valid UTF-16, or left out; unknown
/// fields; malformed lines. One response per request, in order, the valid ones right, the session alive.
/// </summary>
[TestFixture]
public class BatchFuzzTests
{
    private const int Requests = 100_000;

    // formulas with an independent oracle: the same arithmetic written in C#
    private static readonly (string Text, Func<double, double, double> Value)[] Pool =
    [
        ("x*y + 1", (x, y) => (x * y) + 1),
        ("sin(x) - y/2", (x, y) => Math.Sin(x) - (y / 2)),
        ("3*x**2 - 4*x + 5 + 0*y", (x, y) => (3 * x * x) - (4 * x) + 5 + (0 * y)),
        ("exp(-x*x) * y", (x, y) => Math.Exp(-x * x) * y),
        ("let u = x + y in u*u", (x, y) => (x + y) * (x + y)),
        ("max(x, y) - min(x, y)", (x, y) => (y > x ? y : x) - (y < x ? y : x)),
    ];

    private static readonly string[] Ops = ["eval", "parse", "diff", "check", "grad", "frobnicate"];

    private static readonly string[] Fields = ["op", "formula", "at", "wrt", "order", "format", "method", "h", "id", "extra"];

    // values of the wrong type or out of range, and strings with lone surrogates, in JSON text
    private static readonly string[] HostileValues =
    [
        "null", "true", "[]", "{}", "[1,[2,[3]]]", "0", "-1", "1e308", "-1e308", "1e999", "2147483647", "-2147483648",
        "9223372036854775808", "0.5", "\"\"", "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"\\ud800\"", "\"a\\udc00b\"",
        "\"\\udfff\\ud800\"", "\"x**\"", "\"((((\"", "\"7\"", "\"-1\"", "\"Forward, Central\"", "\"latex\"", "\"central\"",
        "{\"x\":\"\\ud800\"}", "{\"\\ud800\":1}", "{\"x\":[]}", "{\"x\":\"pi/2\"}", "{\"x\":\"y\"}", "\"" + new string('(', 2000) + "\"",
        "\"let a = 1\\nlet b = a\\n-b\"", "\"1/min(-0.0, x)\"", "\"sigmoid(x)\"",
    ];

    [Test]
    [Category(Categories.Slow)]
    public void Session_HundredThousandMostlyHostileRequests_OneRightResponseEach()
    {
        var random = new Random(20261130);
        var requests = new List<string>(Requests);
        var expected = new List<Func<JsonElement, string?>?>(Requests);
        for (var i = 0; i < Requests; i++)
        {
            var (line, check) = random.Next(4) == 0 ? Valid(random, i) : Hostile(random, i);
            requests.Add(line);
            expected.Add(check);
        }

        using var input = new StringReader(string.Join("\n", requests) + "\n");
        using var output = new StringWriter();
        BatchSession.Run(input, output);

        var responses = output.ToString().Split('\n');
        Assert.That(responses, Has.Length.EqualTo(Requests + 1), "one response line per request line");
        var valid = 0;
        for (var i = 0; i < Requests; i++)
        {
            using var document = JsonDocument.Parse(responses[i]);
            var root = document.RootElement;
            if (requests[i].Contains($"\"id\":{i},", StringComparison.Ordinal))
            {
                Assert.That(root.GetProperty("id").GetInt32(), Is.EqualTo(i), $"response {i} out of order: {responses[i]}");
            }

            if (expected[i] is { } check)
            {
                valid++;
                Assert.That(check(root), Is.Null, $"request {requests[i]} -> {responses[i]}");
            }
            else if (root.TryGetProperty("error", out var error))
            {
                Assert.That(error.GetProperty("kind").GetString(), Is.AnyOf("syntax", "name", "arity", "limit", "request"),
                    $"request {requests[i]} -> {responses[i]}");
            }
        }

        Assert.That(valid, Is.GreaterThan(Requests / 5));
    }

    private static (string Line, Func<JsonElement, string?>? Check) Valid(Random random, int i)
    {
        var (text, value) = Pool[random.Next(Pool.Length)];
        var x = Math.Round((random.NextDouble() * 4) - 2, 3);
        var y = Math.Round((random.NextDouble() * 4) - 2, 3);
        var at = string.Create(CultureInfo.InvariantCulture, $"{{\"x\":{x:R},\"y\":{y:R}}}");
        var formula = JsonSerializer.Serialize(text);
        switch (random.Next(4))
        {
            case 0 or 1:
                var want = value(x, y);
                return ($"{{\"id\":{i},\"op\":\"eval\",\"formula\":{formula},\"at\":{at}}}",
                    r => r.TryGetProperty("value", out var v) && Math.Abs(v.GetDouble() - want) <= 1e-12 * Math.Max(1, Math.Abs(want))
                        ? null : $"expected value {want:R}");
            case 2:
                var slope = (value(x + 1e-6, y) - value(x - 1e-6, y)) / 2e-6;
                return ($"{{\"id\":{i},\"op\":\"diff\",\"formula\":{formula},\"wrt\":\"x\"}}",
                    r => r.TryGetProperty("derivative", out var d)
                        && Math.Abs(Formula.Parse("fun x y -> " + d.GetString()).Evaluate(x, y) - slope) <= 1e-5 * Math.Max(1, Math.Abs(slope))
                        ? null : $"expected a derivative of slope {slope:R} at x = {x:R}, y = {y:R}");
            default:
                return ($"{{\"id\":{i},\"op\":\"parse\",\"formula\":{formula}}}",
                    r => r.TryGetProperty("canonical", out var c) && Formula.Parse(c.GetString()!).Evaluate(new Dictionary<string, double> { ["x"] = x, ["y"] = y }) is var v
                        && Math.Abs(v - value(x, y)) <= 1e-12 * Math.Max(1, Math.Abs(v)) ? null : "the canonical text must mean the same formula");
        }
    }

    private static (string Line, Func<JsonElement, string?>? Check) Hostile(Random random, int i)
    {
        switch (random.Next(20))
        {
            case 0:
                return (random.Next(3) switch { 0 => "", 1 => "{\"op\":\"eval\",\"formula\":", _ => "[1,2" }, null);
            case 1:
                return ("\"\\ud800\"", null);
        }

        var fields = new Dictionary<string, string>
        {
            ["id"] = i.ToString(CultureInfo.InvariantCulture),
            ["op"] = JsonSerializer.Serialize(Ops[random.Next(Ops.Length)]),
            ["formula"] = JsonSerializer.Serialize(Pool[random.Next(Pool.Length)].Text),
            ["at"] = "{\"x\":0.5,\"y\":-1.5}",
        };
        for (var k = random.Next(1, 4); k > 0; k--)
        {
            var field = Fields[random.Next(Fields.Length)];
            if (random.Next(8) == 0)
            {
                fields.Remove(field);
            }
            else
            {
                fields[field] = HostileValues[random.Next(HostileValues.Length)];
            }
        }

        var line = new StringBuilder("{");
        foreach (var (name, value) in fields)
        {
            line.Append(line.Length > 1 ? "," : "").Append(JsonSerializer.Serialize(name)).Append(':').Append(value);
        }

        return (line.Append('}').ToString(), null);
    }
}
