using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

[TestFixture]
public class InterpreterAgreementTests
{
    // The LINQ compiler against a plain tree walker: same IEEE operations in the same order, so the same bits.
    [Test]
    public void Compile_RandomTrees_SameBitsAsTreeWalker()
    {
        for (var seed = 0; seed < 2000; seed++)
        {
            var formula = Formula.FromTree(new RandomTrees(seed).Next(), ["x", "y", "a", "b"]);
            AssertSameBits(formula, [0.9, -0.4, 1.3, 0.2], $"seed {seed}: {formula}");
        }
    }

    // compiled code, the library's interpreted tier, the engine's own evaluator and the test's own tree walker give the same bits
    private static double AssertSameBits(Formula formula, double[] values, string label)
    {
        var at = formula.Parameters.Select((p, i) => KeyValuePair.Create(p, values[i])).ToDictionary();
        var expected = Interpreter.Evaluate(formula.Tree, at, out _);
        var compiled = formula.Compile()(values);
        var interpreted = Compilation.Interpreter.Evaluate(formula.Tree, formula.Parameters, values);
        var program = Compilation.Program.Lower(formula.Core, formula.Parameters).Evaluate(values);
        Assert.Multiple(() =>
        {
            Assert.That(compiled.Equals(expected), Is.True, $"{label}: compiled {compiled:R}, oracle {expected:R}");
            Assert.That(interpreted.Equals(compiled), Is.True, $"{label}: interpreted tier {interpreted:R}, compiled {compiled:R}");
            Assert.That(program.Equals(compiled), Is.True, $"{label}: the engine's own evaluator {program:R}, compiled {compiled:R}");
        });
        return expected;
    }

    // Past a few thousand nodes a formula compiles into several methods (the JIT does not optimize very large
    // ones): long chains cut into runs that continue one another, large subtrees called. The bits must not move.
    [TestCase("sum")]
    [TestCase("signed sum")]
    [TestCase("product")]
    [TestCase("negated product")]
    [TestCase("nested")]
    [TestCase("let")]
    public void Compile_FormulaSplitIntoMethods_SameBitsAsTreeWalker(string shape)
    {
        var formula = Formula.Parse("fun x y -> " + LargeFormula(shape));
        Assert.That(Syntax.Nodes.Walk(formula.Tree, distinct: false).Count(), Is.GreaterThan(6000), $"{shape} must be large enough to split");
        var expected = AssertSameBits(formula, [0.9, -0.4], shape);
        var typed = formula.Compile<Func<double, double, double>>()(0.9, -0.4);
        Assert.Multiple(() =>
        {
            Assert.That(double.IsFinite(expected), Is.True, $"{shape}: oracle {expected:R}");
            Assert.That(typed.Equals(expected), Is.True, $"{shape}: Compile<Func<double, double, double>> {typed:R}, oracle {expected:R}");
        });
    }

    private static string LargeFormula(string shape) => shape switch
    {
        "sum" => string.Join(" + ", Enumerable.Range(0, 2000).Select(k => $"{(k % 7) + 1}*(x - {(k % 5) + 1}*y)**2/(1 + {k % 3}*x**2)")),
        "signed sum" => string.Concat(Enumerable.Range(0, 2000).Select(k => $"{(k % 2 == 0 ? " - " : " + ")}{k}*sin(x*{(k % 4) + 1}) + exp(y/{(k % 6) + 1})")),
        "product" => string.Concat(Enumerable.Range(0, 3000).Select(k => $"{(k == 0 ? "" : k % 3 == 0 ? "/" : "*")}(1 + x/{k + 1})")),
        "negated product" => "-x*" + string.Join("*", Enumerable.Range(0, 3000).Select(k => $"(1 + y/{k + 2})")),
        "nested" => Nested(11),
        _ => "let u = x*y in " + string.Join(" + ", Enumerable.Range(0, 2000).Select(k => $"{(k % 7) + 1}*(u - {k % 5}*y)**2")),
    };

    // each level uses the one below twice: about 2^depth leaves, no long chain
    private static string Nested(int depth) =>
        depth == 0 ? "x" : $"({Nested(depth - 1)})*0.5 + sin({Nested(depth - 1)}) - y";

    // the tree walker scans a few names and hashes many (past 8 parameters or lets in scope); shadowing lets, on
    // both sides of that limit and across it while a formula is evaluated, must see the same values
    [TestCase(1, 1)]
    [TestCase(3, 8)]
    [TestCase(3, 9)]
    [TestCase(8, 0)]
    [TestCase(8, 5)]
    [TestCase(9, 2)]
    [TestCase(12, 14)]
    public void Interpreter_NamesAroundTheScanLimit_SameBitsAsCompiled(int parameters, int lets)
    {
        var names = Enumerable.Range(0, parameters).Select(i => $"p{i}").ToList();
        // each let reads the one before and a parameter; every third shadows a parameter, and one let in the middle
        // holds an inner block of its own, left before the body reads the names again
        var text = $"fun {string.Join(" ", names)} -> " + string.Concat(Enumerable.Range(0, lets).Select(k =>
        {
            var name = k % 3 == 2 ? names[k % parameters] : $"a{k}";
            var previous = k == 0 ? names[0] : k % 3 == 0 ? $"a{k - 1 - (k > 2 ? 1 : 0)}" : $"a{k - 1}";
            previous = k >= 1 && (k - 1) % 3 == 2 ? names[(k - 1) % parameters] : previous;
            var inner = k == lets / 2 ? $"(let t = {previous}*2 in t - {names[0]})" : $"{previous}*1.5";
            return $"let {name} = {inner} + {names[k % parameters]}/{k + 2} in ";
        })) + string.Join(" + ", names.Select((n, i) => $"{i + 1}*{n}"));
        var formula = Formula.Parse(text);
        var values = Enumerable.Range(0, parameters).Select(i => 0.3 + (0.7 * i)).ToArray();
        AssertSameBits(formula, values, text.Length > 200 ? text[..200] + "..." : text);
    }

    [Test]
    public void Evaluate_ManyCalls_SwitchesTierWithoutChangingBits()
    {
        var formula = Formula.Parse("let u = sin(x)**3 in u/x - x**-2 + 2**x");
        var first = formula.Evaluate(0.37);
        for (var i = 0; i < 40; i++)
        {
            Assert.That(formula.Evaluate(0.37).Equals(first), Is.True, $"call {i}");
        }
    }

    [Test]
    public void Compile_SameTextParsedTwice_SharesCompiledDelegate()
    {
        var first = Formula.Parse("x*y + 3.25*x").Compile();
        var second = Formula.Parse("x*y   +  3.25*x").Compile();
        Assert.That(second, Is.SameAs(first));
    }
}
