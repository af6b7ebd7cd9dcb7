using System.Text.Json;
using Micrograd.Expressions.Cli.Batch;
using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

[TestFixture]
public class BatchTests
{
    [TestCase("""{"id": 7, "op": "eval", "formula": "3*x**2 - 4*x + 5", "at": {"x": 3}}""", """{"id":7,"value":20}""")]
    [TestCase("""{"op": "eval", "formula": "a*b + c", "at": {"a": 2, "b": -3, "c": 10}}""", """{"value":4}""")]
    [TestCase("""{"id": "s", "op": "eval", "formula": "1/0"}""", """{"id":"s","value":"Infinity"}""")]
    [TestCase("""{"op": "eval", "formula": "log(x)", "at": {"x": -1}}""", """{"value":"NaN"}""")]
    [TestCase("""{"op": "eval", "formula": "x", "at": {"x": "-Infinity"}}""", """{"value":"-Infinity"}""")]
    [TestCase("""{"op": "eval", "formula": "x", "at": {"x": "2/3"}}""", """{"value":0.6666666666666666}""")]
    [TestCase("""{"op": "parse", "formula": "y*(x + 1)"}""", """{"canonical":"y*(x + 1)","parameters":["y","x"]}""")]
    [TestCase("""{"id": [1, 2], "op": "parse", "formula": "let e = a*b\nd*e"}""", """{"id":[1,2],"canonical":"let e = a*b; d*e","parameters":["a","b","d"]}""")]
    [TestCase("""{"op":"diff","formula":"3*x**2 - 4*x + 5","wrt":"x","order":1,"format":"G"}""", """{"derivative":"6*x - 4"}""")]
    [TestCase("""{"op":"diff","formula":"3*x**2 - 4*x + 5","wrt":"x","order":2}""", """{"derivative":"6"}""")]
    [TestCase("""{"id":3,"op":"diff","formula":"a*b + c"}""", """{"id":3,"derivatives":{"a":"b","b":"a","c":"1"}}""")]
    [TestCase("""{"op":"diff","formula":"x**3","wrt":"x","format":"C#"}""", """{"derivative":"3.0 * (x * x)"}""")]
    public void Handle_GoodRequest_Answers(string request, string expected) =>
        Assert.That(BatchSession.Handle(request), Is.EqualTo(expected), request);

    [TestCase("""{"id": 7, "op": "eval", "formula": "3*x +", "at": {"x": 3}}""", "syntax", 7, 1, 6)]
    [TestCase("""{"id": 8, "op": "eval", "formula": "foo(x)"}""", "name", 8, 1, 1)]
    [TestCase("""{"id": 9, "op": "eval", "formula": "max(x)"}""", "arity", 9, 1, 1)]
    public void Handle_BadFormula_ErrorWithPosition(string request, string kind, int id, int line, int column)
    {
        using var response = JsonDocument.Parse(BatchSession.Handle(request));
        var root = response.RootElement;
        var error = root.GetProperty("error");
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("id").GetInt32(), Is.EqualTo(id));
            Assert.That(error.GetProperty("kind").GetString(), Is.EqualTo(kind), root.ToString());
            Assert.That(error.GetProperty("line").GetInt32(), Is.EqualTo(line), root.ToString());
            Assert.That(error.GetProperty("column").GetInt32(), Is.EqualTo(column), root.ToString());
        });
    }

    [TestCase("not json", "request", "malformed JSON")]
    [TestCase("", "request", "empty request line")]
    [TestCase("[1, 2]", "request", "must be a JSON object")]
    [TestCase("""{"formula": "x"}""", "request", "missing field `op`")]
    [TestCase("""{"op": "eval"}""", "request", "missing field `formula`")]
    [TestCase("""{"op": 3, "formula": "x"}""", "request", "field `op` must be a string")]
    [TestCase("""{"op": "eval", "formula": "x", "at": [1]}""", "request", "field `at` must be an object")]
    [TestCase("""{"op": "eval", "formula": "x", "at": {"x": true}}""", "request", "field `at.x` must be a number")]
    [TestCase("""{"op": "frobnicate", "formula": "x"}""", "request", "unknown op `frobnicate`")]
    [TestCase("""{"op": "eval", "formula": "x*y", "at": {"x": 1}}""", "name", "no value for parameter `y`")]
    [TestCase("""{"op": "diff", "formula": "x", "order": "two"}""", "request", "field `order` must be an integer")]
    [TestCase("""{"op": "diff", "formula": "x", "order": -1}""", "request", "field `order` must be 0 or more")]
    [TestCase("""{"op": "diff", "formula": "x", "format": "Fortran"}""", "request", "field `format` must be one of")]
    [TestCase("""{"op": "diff", "formula": "x", "wrt": 5}""", "request", "field `wrt` must be a string")]
    public void Handle_BadRequest_ErrorOfKind(string request, string kind, string fragment)
    {
        using var response = JsonDocument.Parse(BatchSession.Handle(request));
        var error = response.RootElement.GetProperty("error");
        Assert.Multiple(() =>
        {
            Assert.That(error.GetProperty("kind").GetString(), Is.EqualTo(kind), response.RootElement.ToString());
            Assert.That(error.GetProperty("message").GetString(), Does.Contain(fragment), response.RootElement.ToString());
        });
    }

    [Test]
    public void Batch_MixedRequests_OneResponsePerLineInOrderExitZero()
    {
        var input = string.Join('\n',
            """{"id": 1, "op": "eval", "formula": "x + 1", "at": {"x": 1}}""",
            "garbage",
            "",
            """{"id": 4, "op": "eval", "formula": "(", "at": {}}""",
            """{"id": 5, "op": "eval", "formula": "2*x", "at": {"x": 21}}""") + "\n";
        var (code, output, _) = Mgx.RunWithInput(input, "batch");
        var lines = output.TrimEnd('\n').Split('\n');
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero);
            Assert.That(lines, Has.Length.EqualTo(5), output);
            Assert.That(lines[0], Is.EqualTo("""{"id":1,"value":2}"""));
            Assert.That(lines[1], Does.StartWith("""{"error":{"kind":"request" """.TrimEnd()));
            Assert.That(lines[3], Does.StartWith("""{"id":4,"error":{"kind":"syntax" """.TrimEnd()));
            Assert.That(lines[4], Is.EqualTo("""{"id":5,"value":42}"""));
        });
    }

    [Test]
    [SetCulture("nb-NO")]
    public void Handle_NorwegianCulture_WritesInvariantJson() =>
        Assert.That(BatchSession.Handle("""{"op": "eval", "formula": "x/4", "at": {"x": 3}}"""), Is.EqualTo("""{"value":0.75}"""));
}
