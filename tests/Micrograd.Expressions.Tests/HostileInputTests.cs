using System.Linq.Expressions;
using System.Numerics;
using System.Reflection;
using System.Text;
using Micrograd.Expressions.Cli.Batch;
using Micrograd.Expressions.Compilation;
using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

[TestFixture]
public class HostileInputTests
{
    // Either a finite result or a documented limit error; never another exception, never a crash.
    private static void EndsCleanly(string text)
    {
        try
        {
            var formula = Formula.Parse(text);
            Assert.That(formula.Evaluate([.. formula.Parameters.Select(_ => 0.5)]), Is.Not.NaN, $"{text.Length} characters");
        }
        catch (FormulaException e)
        {
            Assert.That(e.Kind, Is.EqualTo(FormulaErrorKind.Limit), e.Message);
        }
    }

    [Test]
    public void Parse_MillionTermSumWithRaisedLimits_InterpretedResult()
    {
        var text = string.Join("+", Enumerable.Repeat("1", 1_000_000));
        var value = Formula.Parse(text, new FormulaOptions { MaxLength = 10_000_000, MaxNodes = 4_000_000 }).Evaluate();
        Assert.That(value, Is.EqualTo(1_000_000.0));
    }

    [Test]
    public void Parse_MillionTermSumWithDefaults_LimitUpFront()
    {
        var text = string.Join("+", Enumerable.Repeat("x", 1_000_000));
        var error = Assert.Throws<FormulaSyntaxException>(() => Formula.Parse(text))!;
        Assert.Multiple(() =>
        {
            Assert.That(error.Kind, Is.EqualTo(FormulaErrorKind.Limit));
            Assert.That(error.Message, Does.Contain("FormulaOptions.MaxLength"));
        });
    }

    [Test]
    public void Parse_HundredThousandNestedParentheses_LimitErrorWithPosition()
    {
        var text = new string('(', 100_000) + "x" + new string(')', 100_000);
        var error = Assert.Throws<FormulaSyntaxException>(() => Formula.Parse(text))!;
        Assert.Multiple(() =>
        {
            Assert.That(error.Kind, Is.EqualTo(FormulaErrorKind.Limit));
            Assert.That(error.Message, Does.Contain("FormulaOptions.MaxDepth"));
            Assert.That(error.Column, Is.EqualTo(1001));
        });
    }

    [Test]
    public void Parse_HundredThousandUnaryMinus_Result() =>
        Assert.That(Formula.Parse(new string('-', 100_000) + "x").Evaluate(2.0), Is.EqualTo(2.0));

    [Test]
    public void Parse_TenThousandNestedCalls_CleanError() =>
        EndsCleanly(string.Concat(Enumerable.Repeat("sin(", 10_000)) + "x" + new string(')', 10_000));

    [Test]
    public void Parse_LongPowerChain_CleanError()
    {
        var error = Assert.Throws<FormulaSyntaxException>(() => Formula.Parse(string.Join("**", Enumerable.Repeat("x", 100_000))))!;
        Assert.That(error.Kind, Is.EqualTo(FormulaErrorKind.Limit));
    }

    [Test]
    public void Parse_ManyBindings_CompilesWithArraySlots()
    {
        var text = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"let a{i} = {(i == 0 ? "x" : $"a{i - 1}")} + 1\n")) + "a19999";
        var formula = Formula.Parse(text, new FormulaOptions { MaxCompiledNodes = 100_000 });
        Assert.That(formula.Compile()([1.0]), Is.EqualTo(20_001.0));
    }

    [Test]
    public void Parse_DeepNestingOnSmallStack_CleanError()
    {
        Exception? caught = null;
        var thread = new Thread(() =>
        {
            try
            {
                var formula = Formula.Parse(string.Concat(Enumerable.Repeat("sin(", 900)) + "x" + new string(')', 900));
                formula.Derivative("x").ToString();
            }
            catch (Exception e)
            {
                caught = e;
            }
        }, 192 * 1024);
        thread.Start();
        thread.Join();
        Assert.That(caught, Is.Null.Or.InstanceOf<FormulaException>(), caught?.ToString());
    }

    [Test]
    public void Parse_OverLengthLimit_LimitError()
    {
        var error = Assert.Throws<FormulaSyntaxException>(() => Formula.Parse("x + 1", new FormulaOptions { MaxLength = 3 }))!;
        Assert.That(error.Message, Does.Contain("FormulaOptions.MaxLength"));
    }

    [Test]
    public void Parse_OverNodeLimit_LimitError()
    {
        var error = Assert.Throws<FormulaSyntaxException>(() => Formula.Parse("a + b + c + d", new FormulaOptions { MaxNodes = 3 }))!;
        Assert.That(error.Message, Does.Contain("FormulaOptions.MaxNodes"));
    }

    [TestCase("System.IO.File.Delete(\"x\")")]
    [TestCase("x.GetType()")]
    [TestCase("typeof(x)")]
    [TestCase("new object()")]
    [TestCase("a[0]")]
    [TestCase("\"s\"")]
    [TestCase("@x")]
    [TestCase("x; y")]
    [TestCase("Math.Sin(x)")]
    [TestCase("x => x")]
    [TestCase("`ls`")]
    public void Parse_EscapeAttempt_SyntaxError(string text) =>
        Assert.Throws<FormulaSyntaxException>(() => Formula.Parse(text), text);

    private static readonly HashSet<MethodInfo> AllowedMethods =
    [
        .. typeof(Math).GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.ReturnType == typeof(double)),
        .. typeof(Builtins).GetMethods(BindingFlags.Public | BindingFlags.Static),
        .. typeof(Vector<double>).GetMethods().Where(m => m.Name is "op_Addition" or "op_Subtraction" or "op_Multiply" or "op_Division" or "op_UnaryNegation" or "CopyTo"),
        .. Function.Table.Select(f => f.VectorMethod).OfType<MethodInfo>(),
    ];

    private sealed class MethodCollector : ExpressionVisitor
    {
        public List<MethodInfo> Methods { get; } = [];

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            Methods.Add(node.Method);
            return base.VisitMethodCall(node);
        }

        protected override Expression VisitBinary(BinaryExpression node)
        {
            if (node.Method is not null)
            {
                Methods.Add(node.Method);
            }

            return base.VisitBinary(node);
        }

        protected override Expression VisitUnary(UnaryExpression node)
        {
            if (node.Method is not null)
            {
                Methods.Add(node.Method);
            }

            return base.VisitUnary(node);
        }
    }

    [Test]
    public void Compile_EveryGeneratedTree_CallsOnlyAllowListedMethods()
    {
        for (var seed = 0; seed < 500; seed++)
        {
            var formula = Formula.FromTree(new RandomTrees(seed).Next(), ["x", "y", "a", "b"]);
            var collector = new MethodCollector();
            collector.Visit(LinqCompiler.ToArrayLambda(formula.Tree, formula.Parameters));
            collector.Visit(LinqCompiler.ToArrayLambda(formula.Derivative("x").Tree, formula.Parameters));
            var outside = collector.Methods.Where(m => !AllowedMethods.Contains(m)).Select(m => $"{m.DeclaringType}.{m.Name}").Distinct().ToList();
            Assert.That(outside, Is.Empty, $"seed {seed}: {Shown.Formula(formula)}");
        }
    }

    // At least 100,000 inputs from a grammar-aware generator and from mutations of valid formulas.
    [Test]
    public void Fuzz_HundredThousandInputs_OnlyDocumentedErrors()
    {
        var random = new Random(20261127);
        var parsed = 0;
        for (var n = 0; n < 100_000; n++)
        {
            var text = n % 2 == 0 ? Grammatical(random) : Mutated(random, Formula.FromTree(new RandomTrees(n).Next(3)).ToString());
            Formula formula;
            try
            {
                formula = Formula.Parse(text);
            }
            catch (FormulaSyntaxException e)
            {
                var (lines, lastLine) = (text.Split('\n').Length, text.Split('\n')[^1].Length);
                Assert.That(e.Line >= 1 && e.Line <= lines && e.Column >= 1 && e.Column <= text.Split('\n')[e.Line - 1].Length + 1, Is.True,
                    $"input {n} {Show(text)}: position ({e.Line}, {e.Column}) outside the input; {e.Message}");
                continue;
            }

            parsed++;
            try
            {
                _ = formula.ToString();
                var values = formula.Parameters.Select((_, i) => 0.3 + i).ToArray();
                formula.Evaluate(values);
                if (formula.Parameters.Count > 0 && n % 5 == 0)
                {
                    formula.Derivative(formula.Parameters[0]).Evaluate(values);
                }

                if (n % 50 == 0)
                {
                    formula.Compile()(values);
                    formula.CompileGradient()(values, new double[values.Length]);
                }
            }
            catch (FormulaException)
            {
            }
        }

        Assert.That(parsed, Is.GreaterThan(10_000), "the generator should produce valid formulas too");
    }

    private static string Show(string text) => text.Length > 80 ? text[..80] + "..." : text;

    private static readonly string[] Tokens =
    [
        "x", "y", "a1", "_b", "pi", "e", "1", "2.5", ".5", "1e-3", "3E+2", "+", "-", "*", "/", "**", "^", "(", ")", ",",
        "sin(", "atan2(", "max(", "relu(", "let", "in", "fun", "->", "=", ";", "\n", " ", "  ", "foo(", "1e", "2x", "..", "$", "é",
    ];

    private static string Grammatical(Random random)
    {
        var sb = new StringBuilder();
        var length = random.Next(1, 25);
        for (var i = 0; i < length; i++)
        {
            sb.Append(Tokens[random.Next(Tokens.Length)]);
        }

        return sb.ToString();
    }

    private static string Mutated(Random random, string valid)
    {
        var chars = valid.ToList();
        var edits = random.Next(1, 4);
        for (var k = 0; k < edits && chars.Count > 0; k++)
        {
            var at = random.Next(chars.Count);
            switch (random.Next(4))
            {
                case 0:
                    chars.RemoveAt(at);
                    break;
                case 1:
                    chars.Insert(at, (char)random.Next(32, 127));
                    break;
                case 2:
                    chars[at] = (char)random.Next(0, 0x3000);
                    break;
                default:
                    chars.InsertRange(at, chars.GetRange(at, Math.Min(5, chars.Count - at)));
                    break;
            }
        }

        return new string([.. chars]);
    }

    [Test]
    public void Formulas_EightThreads_SameResultsAsSingleThreaded()
    {
        string[] texts = ["3*x**2 - 4*x + 5", "sin(x)*exp(-x)/(1 + x**2)", "let u = x*x in u*u - u", "tanh(x) + sigmoid(2*x)", "atan2(x, 2) + max(x, 0.5)"];
        var shared = texts.Select(t => Formula.Parse(t)).ToArray();
        double[] points = [-1.5, -0.2, 0.0, 0.7, 2.25];
        var expected = texts.Select(t => points.Select(p => (Formula.Parse(t).Evaluate(p), Formula.Parse(t).Derivative("x").Evaluate(p))).ToArray()).ToArray();
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var deadline = DateTime.UtcNow.AddSeconds(3);
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            var random = new Random(t);
            while (DateTime.UtcNow < deadline)
            {
                var k = random.Next(texts.Length);
                var j = random.Next(points.Length);
                var formula = random.Next(2) == 0 ? shared[k] : Formula.Parse(texts[k]);
                var value = random.Next(3) switch
                {
                    0 => formula.Evaluate(points[j]),
                    1 => formula.Compile()([points[j]]),
                    _ => formula.CompileGradient()([points[j]], new double[1]),
                };
                var slope = formula.Derivative("x").Evaluate(points[j]);
                if (!value.Equals(expected[k][j].Item1) || !slope.Equals(expected[k][j].Item2))
                {
                    failures.Add($"{texts[k]} at {points[j]}: {value} / {slope}");
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.That(failures, Is.Empty);
    }

    [Test]
    public void Batch_TenThousandMixedRequests_EveryGoodOneAnsweredInOrder()
    {
        var random = new Random(5);
        var requests = new List<(string Line, double? Expected)>();
        for (var i = 0; i < 10_000; i++)
        {
            var x = random.Next(-50, 50);
            requests.Add((i, random.Next(10)) switch
            {
                (6, _) => ("{\"op\":\"eval\",\"formula\":\"" + new string('x', 10 * 1024 * 1024) + "\"}", null),
                (_, _) when i % 1000 == 5 => ($"{{\"op\":\"eval\",\"formula\":\"{new string('(', 2000)}x{new string(')', 2000)}\",\"at\":{{\"x\":1}}}}", null),
                (_, 0) => ("{\"op\":\"eval\",\"formula\":\"3*x +\"}", null),
                (_, 1) => ("not json at all", null),
                (_, 2) => ("", null),
                (_, 3) => ("{\"op\":\"eval\"}", null),
                (_, 4) => ("{\"op\":\"eval\",\"formula\":42}", null),
                _ => ($"{{\"id\":{i},\"op\":\"eval\",\"formula\":\"3*x**2 - 4*x + 5\",\"at\":{{\"x\":{x}}}}}", (3.0 * x * x) - (4.0 * x) + 5),
            });
        }

        var input = string.Join("\n", requests.Select(r => r.Line)) + "\n";
        var (code, output, _) = Mgx.RunWithInput(input, "batch");
        var lines = output.Split('\n', StringSplitOptions.None)[..^1];
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero);
            Assert.That(lines, Has.Length.EqualTo(requests.Count));
        });
        for (var i = 0; i < requests.Count; i++)
        {
            using var response = System.Text.Json.JsonDocument.Parse(lines[i]);
            if (requests[i].Expected is { } expected)
            {
                Assert.That(response.RootElement.GetProperty("value").GetDouble(), Is.EqualTo(expected), $"request {i}");
                Assert.That(response.RootElement.GetProperty("id").GetInt32(), Is.EqualTo(i));
            }
            else
            {
                Assert.That(response.RootElement.TryGetProperty("error", out _), Is.True, $"request {i}: {Show(lines[i])}");
            }
        }
    }

    [Test]
    public void Handle_HugeLine_ErrorNotCrash() =>
        Assert.That(BatchSession.Handle(new string('[', 100_000)), Does.Contain("\"kind\":\"request\""));
}
