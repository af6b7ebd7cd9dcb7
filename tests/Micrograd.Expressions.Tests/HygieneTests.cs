using System.Text.RegularExpressions;
using Micrograd.Expressions.Syntax;
using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

/// <summary>
/// A name the engine invents never captures a user's: a formula whose names are the engine's own fresh-name
/// patterns (<c>u1</c>, <c>d_u1</c>, <c>p1</c>, <c>hyp_x</c>, ...) has the values and derivatives of the same
/// formula with plain names, with defined functions, local functions, lets and second derivatives.
/// </summary>
[TestFixture]
public class HygieneTests
{
    // the patterns of the names the differentiator, sharing and local-function inlining bind
    private static readonly string[] EnginePatterns = ["u1", "u2", "u3", "p1", "q1", "d_u1", "d_x", "d_t", "h_z", "g_w", "x1", "t1", "k_w"];

    // placeholders: X, Y, L, Z are the formula's (parameters, a let, a local function's parameter); W, T, V a definition's
    private static readonly string[] Outer = ["X", "Y", "L", "Z"];
    private static readonly string[] Inner = ["W", "T", "V"];
    private static readonly Dictionary<string, string> Plain = new()
    {
        ["X"] = "x",
        ["Y"] = "y",
        ["L"] = "l",
        ["Z"] = "z",
        ["W"] = "w",
        ["T"] = "t",
        ["V"] = "v",
    };

    [TestCase("q(w) = (w**2 + 1)**w", "q(u1)", "u1", 0.5)]
    [TestCase("q(w) = let u1 = w**2 + 1 in u1**w", "q(u1)", "u1", 0.5)]
    [TestCase("q(w) = let d_w = exp(w) in d_w*w**2", "q(d_w) + d_w", "d_w", 0.7)]
    [TestCase("q(w) = sin(w)**w", "let u1 = x**2 in q(u1)*q(x)", "x", 0.9)]
    public void Derivative_DefinedFunctionCalledWithAnEngineName_ValueOfThePlainFormula(string definition, string formula, string variable, double at)
    {
        var context = FormulaContext.Default.WithFunction(definition);
        var derivative = context.Parse(formula).Derivative(variable);
        var plainDefinition = Rename(definition, new() { ["u1"] = "v", ["d_w"] = "k" });
        var plain = FormulaContext.Default.WithFunction(plainDefinition).Parse(Rename(formula, new() { ["u1"] = "a", ["d_w"] = "b" }))
            .Derivative(variable == "x" ? "x" : variable == "u1" ? "a" : "b");
        var expected = plain.Evaluate(at);
        Assert.That(derivative.Evaluate(at), Is.EqualTo(expected).Within(1e-12 * Math.Abs(expected)), $"{derivative}");
        Assert.That(context.Parse(derivative.ToString()).Evaluate(at), Is.EqualTo(expected).Within(1e-12 * Math.Abs(expected)),
            $"{derivative} read back");
    }

    // inlining a binding's value past an inner binding of a name the value mentions renames the inner one
    [TestCase("let a = y in let y = sin(z) in a*y*y")]
    [TestCase("let a = y + z in let y = exp(z) in let z = y*y in a*z*z + y")]
    [TestCase("let u1 = y in let y = u1**2 in let u2 = y + 1 in u1*u2*u2*y")]
    public void Simplify_InnerBindingOfANameAnInlinedValueMentions_SameValue(string text)
    {
        var formula = Formula.Parse($"fun y z -> {text}");
        var simplified = formula.Simplify();
        Assert.That(simplified.Evaluate(0.7, 1.3), Is.EqualTo(formula.Evaluate(0.7, 1.3)).Within(1e-12), $"{simplified}");
        Assert.That(simplified.Derivative("z").Evaluate(0.7, 1.3), Is.EqualTo(formula.Derivative("z").Evaluate(0.7, 1.3)).Within(1e-12), $"{simplified}");
    }

    // the same through the batch protocol's define op: the printed derivative, read back in the session, has the value
    [Test]
    public void Batch_DefinedFunctionCalledWithAnEngineName_DerivativeTextHasTheTrueValue()
    {
        var session = new Cli.Batch.BatchSession();
        session.Answer("""{"op": "define", "define": ["q(w) = (w**2 + 1)**w"]}""");
        using var diff = System.Text.Json.JsonDocument.Parse(session.Answer("""{"op": "diff", "formula": "q(u1)", "wrt": "u1"}"""));
        var derivative = diff.RootElement.GetProperty("derivative").GetString()!;
        var value = session.Context.Parse(derivative).Evaluate(0.5);

        // d/du (u**2 + 1)**u = (u**2 + 1)**u*(log(u**2 + 1) + 2*u**2/(u**2 + 1))
        var expected = Math.Pow(1.25, 0.5) * (Math.Log(1.25) + (0.5 / 1.25));
        Assert.That(value, Is.EqualTo(expected).Within(1e-14), derivative);
    }

    [Test]
    public void Formulas_NamedWithEnginePatterns_SameValuesAndDerivativesAsPlainNames()
    {
        for (var seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed);
            var template = Template(seed);
            var engine = new Dictionary<string, string>();
            var pool = EnginePatterns.OrderBy(_ => random.Next()).ToList();
            foreach (var (name, k) in Outer.Select((n, k) => (n, k)))
            {
                engine[name] = pool[k];
            }

            pool = [.. EnginePatterns.OrderBy(_ => random.Next())];
            foreach (var (name, k) in Inner.Select((n, k) => (n, k)))
            {
                engine[name] = pool[k];
            }

            var (renamed, plain) = (Read(template, engine), Read(template, Plain));
            var point = new[] { 0.3 + random.NextDouble(), 0.3 + random.NextDouble() };
            var (x, y) = (renamed.Parameters[0], renamed.Parameters[1]);
            var (px, py) = (plain.Parameters[0], plain.Parameters[1]);
            Agree(seed, "value", renamed, plain, point);
            Agree(seed, $"d/d{x}", renamed.Derivative(x), plain.Derivative(px), point);
            Agree(seed, $"d2/d{x}d{y}", renamed.Derivative(x).Derivative(y), plain.Derivative(px).Derivative(py), point);
            Agree(seed, $"d2/d{y}2", renamed.Derivative(y, 2), plain.Derivative(py, 2), point);
        }
    }

    // the derivative's text reads back with the same value too: printed names bind as the tree's do
    private static void Agree(int seed, string what, Formula renamed, Formula plain, double[] point)
    {
        var expected = plain.Evaluate(point);
        if (!double.IsFinite(expected) || Math.Abs(expected) > 1e12)
        {
            return;
        }

        var tolerance = 1e-9 * Math.Max(1, Math.Abs(expected));
        Assert.That(renamed.Evaluate(point), Is.EqualTo(expected).Within(tolerance), $"seed {seed}, {what}: {Clip(renamed)} vs {Clip(plain)}");
        var read = renamed.Context.Parse($"fun {string.Join(" ", renamed.Parameters)} -> {renamed}");
        Assert.That(read.Evaluate(point), Is.EqualTo(expected).Within(tolerance), $"seed {seed}, {what} read back: {Clip(renamed)}");
    }

    private static string Clip(Formula f) => f.ToString() is var s && s.Length > 300 ? s[..300] + "..." : s;

    private sealed record Shape(string Definitions, string Formula);

    // g(W) = let T = a(W) in b(W, T); k(W, V) = c(W, V) + g(V); formula over X, Y with a let L and a local h(Z)
    private static Shape Template(int seed)
    {
        string Tree(int offset, params string[] names) =>
            Printer.Print(new RandomTrees(seed * 10 + offset, names, zeros: false).Next(2), Dialect.Formula, FormulaOptions.Default);

        var definitions = $"g(W) = let T = {Tree(0, "W")} in {Tree(1, "W", "T")}\nk(W, V) = {Tree(2, "W", "V")} + g(V)";
        var formula = $"fun X Y -> let L = {Tree(3, "X", "Y")} in let h Z = {Tree(4, "Z", "L")} in "
            + $"g({Tree(5, "X", "Y", "L")})*h({Tree(6, "X", "Y")}) + k(X, L) + {Tree(7, "X", "Y", "L")}";
        return new Shape(definitions, formula);
    }

    private static Formula Read(Shape shape, Dictionary<string, string> names)
    {
        var context = FormulaContext.Default;
        foreach (var definition in shape.Definitions.Split('\n'))
        {
            context = context.WithFunction(Rename(definition, names));
        }

        return context.Parse(Rename(shape.Formula, names));
    }

    private static string Rename(string text, Dictionary<string, string> names) =>
        Regex.Replace(text, @"\b[A-Za-z_][A-Za-z_0-9]*\b", m => names.GetValueOrDefault(m.Value, m.Value));
}
