using System.Collections.Immutable;
using System.Globalization;
using Micrograd.Expressions.Calculus;
using Micrograd.Expressions.Syntax;
using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

/// <summary>
/// Local functions, formula-defined context functions and .NET context functions behave, on every path, as the
/// same formula written inline: the same bits where the arithmetic is the same, else within 1e-12 relative.
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.Children)]
public class UserFunctionTests
{
    public enum Form
    {
        Local,
        Defined,
        Host,
    }

    private static readonly string[] Outer = ["a", "b"];

    // h(x, y) = body, called in an outer formula over a, b in place of each `c`, with random arguments
    private sealed record Case(int Seed, Expr Body, Expr Inline, Func<Function, Expr> Calling);

    private static Case Make(int seed)
    {
        var trees = new RandomTrees(seed, ["x", "y"], zeros: false);
        var body = trees.Next(3);
        var outer = new RandomTrees(seed + 10_000, ["a", "b", "c"], zeros: false).Next(3);
        if (!FreeNames.Of(outer).Contains("c"))
        {
            outer = Exact.Sum(outer, [new Variable("c")]);
        }

        var arguments = new RandomTrees(seed + 20_000, Outer, zeros: false);
        var (first, second) = (arguments.Next(2), arguments.Next(2));
        var inline = Inliner.Substitute(outer, ImmutableDictionary<string, Expr>.Empty.Add("c",
            Inliner.Substitute(body, ImmutableDictionary<string, Expr>.Empty.Add("x", first).Add("y", second))));
        return new Case(seed, body, inline, h => Inliner.Substitute(outer, ImmutableDictionary<string, Expr>.Empty.Add("c", new Call(h, [first, second]))));
    }

    // the formula of a case, read from text in the given form
    private static Formula Read(Case c, Form form)
    {
        var body = Formula.FromTree(c.Body, ["x", "y"]);
        switch (form)
        {
            case Form.Local:
                var tree = new Let([new Binding("h", new Lambda(["x", "y"], c.Body))], c.Calling(Function.Local("h", ["x", "y"])));
                return Formula.Parse($"fun a b -> {Formula.FromTree(tree, Outer)}");
            case Form.Defined:
                var defined = FormulaContext.Default.WithFunction($"h(x, y) = {body}");
                return Formula.Parse($"fun a b -> {Formula.FromTree(c.Calling(defined.Functions[^1]), Outer)}", defined);
            default:
                var host = FormulaContext.Default.WithFunction("h(x, y)", body.Compile<Func<double, double, double>>(),
                    body.Derivative("x").ToString(), body.Derivative("y").ToString());
                return Formula.Parse($"fun a b -> {Formula.FromTree(c.Calling(host.Functions[^1]), Outer)}", host);
        }
    }

    private static double[][] Points(int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, 8).Select(_ => new[] { 0.25 + (2 * random.NextDouble()), 0.25 + (2 * random.NextDouble()) })];
    }

    private static string Text(IEnumerable<double> values) =>
        string.Join(", ", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));


    // within 1e-12 relative, or both not finite alike; where the inline value itself loses more than that to
    // cancellation (its terms are far larger than it), relative to the largest term
    private static bool Near(double expected, double actual, double scale = 1) =>
        Bits.Same(expected, actual) || Math.Abs(expected - actual) <= 1e-12 * Math.Max(scale, Math.Max(1, Math.Abs(expected)));

    [Test]
    [Category(Categories.Slow)]
    public void UserFunction_RandomFormulasCallingIt_EvaluationTiersGiveTheInlineBits([Values] Form form)
    {
        for (var seed = 0; seed < 150; seed++)
        {
            var c = Make(seed);
            var inline = Formula.FromTree(c.Inline, Outer);
            var f = Read(c, form);
            var points = Points(seed);
            var columns = new[] { points.Select(p => p[0]).ToArray(), points.Select(p => p[1]).ToArray() };
            var batch = new double[points.Length];
            f.EvaluateBatch(columns, batch);
            var compiled = f.Compile();
            var typed = f.Compile<Func<double, double, double>>();
            var spliced = System.Linq.Expressions.Expression.Lambda<Func<double, double, double>>(
                f.ToExpression(n => n == "a" ? ParameterA : ParameterB), ParameterA, ParameterB).Compile();
            for (var k = 0; k < points.Length; k++)
            {
                var p = points[k];
                var expected = inline.Evaluate(p);
                var values = new[]
                {
                    Compilation.Interpreter.Evaluate(f.Core, f.Parameters, p), f.Evaluate(p), compiled(p), typed(p[0], p[1]),
                    batch[k], spliced(p[0], p[1]), f.Backpropagate(Named(p)).Value,
                };
                Assert.That(values.All(v => Bits.Same(v, expected)), Is.True,
                    $"{form} seed {seed}: {Shown.Formula(f)} at ({Text(p)}): inline {Text([expected])}; interpreted, Evaluate, Compile(), Compile<T>(), " +
                    $"EvaluateBatch, spliced ToExpression, Backpropagate = {Text(values)}");
            }
        }
    }

    private static readonly System.Linq.Expressions.ParameterExpression ParameterA = System.Linq.Expressions.Expression.Parameter(typeof(double), "a");
    private static readonly System.Linq.Expressions.ParameterExpression ParameterB = System.Linq.Expressions.Expression.Parameter(typeof(double), "b");

    private static Dictionary<string, double> Named(double[] p) => new() { ["a"] = p[0], ["b"] = p[1] };

    [Test]
    [Category(Categories.Slow)]
    public void UserFunction_RandomFormulasCallingIt_DerivativesAgreeWithInline([Values] Form form)
    {
        for (var seed = 0; seed < 150; seed++)
        {
            var c = Make(seed);
            var inline = Formula.FromTree(c.Inline, Outer);
            var f = Read(c, form);
            var gradient = f.CompileGradient();
            var expectedGradient = inline.CompileGradient();
            var symbolic = f.Gradient();
            var expectedSymbolic = inline.Gradient();
            var simplified = f.Simplify();
            var inlineSimplified = inline.Simplify();
            var hessian = seed < 20 ? f.Hessian() : null;
            var expectedHessian = seed < 20 ? inline.Hessian() : null;
            foreach (var p in Points(seed))
            {
                var (expected, actual) = (new double[2], new double[2]);
                expectedGradient(p, expected);
                gradient(p, actual);
                var pass = f.Backpropagate(Named(p));
                var where = $"{form} seed {seed}: {Shown.Formula(f)} with h(x, y) = {Shown.Formula(c.Body)} at ({Text(p)})";
                // the conditioning (a reverse pass of the inline formula) is only asked for where a value is not
                // already near within the term scale: Near only widens with the scale, so the verdict is the same
                double? conditioning = null;
                bool Agree(double e, double a, double scale) =>
                    Near(e, a, scale) || Near(e, a, Math.Max(scale, conditioning ??= Conditioning(inline, p)));
                for (var i = 0; i < 2; i++)
                {
                    var scale = Scale(expectedSymbolic[i], p);
                    Assert.That(Agree(expected[i], actual[i], scale), Is.True, $"{where}: CompileGradient d/d{Outer[i]} {Text([actual[i]])}, inline {Text([expected[i]])}");
                    Assert.That(Agree(expected[i], pass.Gradient[Outer[i]], scale), Is.True, $"{where}: Backpropagate d/d{Outer[i]} {Text([pass.Gradient[Outer[i]]])}, inline {Text([expected[i]])}");
                    var d = expectedSymbolic[i].Evaluate(p);
                    Assert.That(Agree(d, symbolic[i].Evaluate(p), scale), Is.True, $"{where}: Derivative d/d{Outer[i]} = {Shown.Formula(symbolic[i])} gives {Text([symbolic[i].Evaluate(p)])}, inline {Shown.Formula(expectedSymbolic[i])} gives {Text([d])}");
                    for (var j = 0; hessian is not null && j < 2; j++)
                    {
                        var (h, actualH, scaleH) = (expectedHessian![i, j].Evaluate(p), hessian[i, j].Evaluate(p), Scale(expectedHessian[i, j], p));
                        Assert.That(Near(h, actualH, scaleH) || Near(h, actualH, Math.Max(scaleH, Conditioning(expectedSymbolic[i], p))), Is.True, $"{where}: Hessian[{i}, {j}] {Text([actualH])}, inline {Text([h])}");
                    }
                }

                // simplification is exact in real arithmetic (x*7/x is 7, even where x is NaN): compare with the inline one's
                var value = inlineSimplified.Evaluate(p);
                Assert.That(Near(value, simplified.Evaluate(p), Scale(inlineSimplified, p)) || Near(inline.Evaluate(p), simplified.Evaluate(p), Scale(inline, p)), Is.True,
                    $"{where}: Simplify gives {Shown.Formula(simplified)} = {Text([simplified.Evaluate(p)])}, inline {Shown.Formula(inlineSimplified)} gives {Text([value])}");
            }
        }
    }

    // the largest magnitude of a term of a formula's top-level sum at a point: what its rounding is relative to
    private static double Scale(Formula f, double[] p)
    {
        var terms = f.Core is Sum s ? s.Terms : [f.Core];
        return terms.Max(t => Math.Abs(Compilation.Interpreter.Evaluate(t, f.Parameters, p)) is var v && double.IsFinite(v) ? v : 0) * 16;
    }

    // How large the terms a gradient is summed from are: each value's gradient times the value, largest of the
    // inline formula's graph (a sum of terms of 1e9 that comes out near 0.03 keeps only its absolute accuracy)
    private static double Conditioning(Formula inline, double[] p)
    {
        var pass = inline.Backpropagate(Named(p).Where(kv => inline.Parameters.Contains(kv.Key)).ToDictionary());
        return 16 * pass.Grads.Zip(pass.Values, (g, v) => Math.Abs(g) * Math.Max(1, Math.Abs(v))).Where(double.IsFinite).DefaultIfEmpty(0).Max();
    }

    [Test]
    public void UserFunction_RandomFormulasCallingIt_DialectsReadBackOrInline([Values] Form form)
    {
        for (var seed = 0; seed < 100; seed++)
        {
            var c = Make(seed);
            var f = Read(c, form);
            var again = Formula.Parse($"fun a b -> {f}", f.Context);
            Assert.That(again, Is.EqualTo(f), $"{form} seed {seed}: {Shown.Formula(f)} reads back as {Shown.Formula(again)}");
            var csharp = f.ToString("C#");
            var latex = f.ToString("LaTeX");
            if (form == Form.Local)
            {
                Assert.That(csharp, Does.Not.Match(@"\bh\("), $"seed {seed}: the C# of {Shown.Formula(f)} writes the local function in place: {Shown.Text(csharp)}");
            }
            else
            {
                Assert.That(csharp, Does.Match(@"\bh\("), $"seed {seed}: the C# of {Shown.Formula(f)} calls h by name: {Shown.Text(csharp)}");
                Assert.That(latex, Does.Contain(@"\operatorname{h}"), $"seed {seed}: {Shown.Text(latex)}");
            }

            var derivative = f.Derivative("a");
            var back = Formula.Parse($"fun a b -> {derivative}", f.Context);
            var p = Points(seed)[0];
            Assert.That(Bits.Same(back.Evaluate(p), derivative.Evaluate(p)), Is.True, $"{form} seed {seed}: the derivative {Shown.Formula(derivative)} reads back as {Shown.Formula(back)}");
        }
    }

    [TestCase("let sq x = x*x in sq(a) + sq(b)", 3.0, 4.0, 25.0)]
    [TestCase("let hyp x y = sqrt(x**2 + y**2) in hyp(a, b)", 3.0, 4.0, 5.0)]
    [TestCase("let sq x = x*x; sq(sq(a)) - b", 2.0, 1.0, 15.0)]
    [TestCase("let sq x = x*x\nsq(a + 1)*b", 2.0, 2.0, 18.0)]
    [TestCase("let k = 10\nlet f x = k*x\nlet k = 1000\nf(a) + k*b", 2.0, 1.0, 1020.0)]
    [TestCase("let f x = x + a in let a = 100 in f(b)", 1.0, 2.0, 3.0)]
    [TestCase("let f x = x*2 in let g y = f(y) + 1 in g(a) + f(b)", 1.0, 10.0, 23.0)]
    [TestCase("let f x = x in let f y = 2*y in f(a) + b", 3.0, 1.0, 7.0)]
    [TestCase("let f b = b*b in f(a) + b", 3.0, 1.0, 10.0)]
    [TestCase("(let f x = x*a in f(b)) + (let f x = x + a in f(b))", 2.0, 3.0, 11.0)]
    public void LocalFunction_Examples_ValueOnEveryTier(string text, double a, double b, double expected)
    {
        var f = Formula.Parse(text);
        var values = new[] { f.Evaluate(Named([a, b]).Where(kv => f.Parameters.Contains(kv.Key)).ToDictionary()), f.Compile()([.. f.Parameters.Select(p => p == "a" ? a : b)]) };
        Assert.That(values, Is.All.EqualTo(expected), $"{text} at a={a}, b={b}: {Text(values)}");
    }

    [TestCase("let f x = f(x) in f(1)", FormulaErrorKind.Name, 1, 11, "cannot call itself")]
    [TestCase("let f x = x in f(1, 2)", FormulaErrorKind.Arity, 1, 16, "takes 1 argument, f(x), but was given 2")]
    [TestCase("let f x y = x in\nf(1)", FormulaErrorKind.Arity, 2, 1, "takes 2 arguments")]
    [TestCase("let f x = x in f + 1", FormulaErrorKind.Arity, 1, 16, "needs arguments")]
    [TestCase("let f = 2 in f(1)", FormulaErrorKind.Name, 1, 14, "is a value, not a function")]
    [TestCase("let f x x = x in f(1)", FormulaErrorKind.Name, 1, 9, "declared twice")]
    [TestCase("let sin x = x in 1", FormulaErrorKind.Name, 1, 5, "built-in function")]
    [TestCase("let f g = g(1) in f(2)", FormulaErrorKind.Name, 1, 11, "is a value")]
    [TestCase("(let f x = x in 1) + f(2)", FormulaErrorKind.Name, 1, 22, "unknown function `f`")]
    public void LocalFunction_Mistakes_ErrorWithKindAndPosition(string text, FormulaErrorKind kind, int line, int column, string reason)
    {
        var error = Assert.Throws<FormulaSyntaxException>(() => Formula.Parse(text))!;
        Assert.That((error.Kind, error.Line, error.Column), Is.EqualTo((kind, line, column)), $"{text}: {error.Message}");
        Assert.That(error.Message, Does.Contain(reason), text);
    }

    [Test]
    public void LocalFunction_Printed_KeepsTheFunctionAndReadsBack()
    {
        var f = Formula.Parse("let hyp x y = sqrt(x**2 + y**2)\nhyp(a, b) + hyp(b, a)");
        Assert.That(f.ToString(), Is.EqualTo("let hyp x y = sqrt(x**2 + y**2); hyp(a, b) + hyp(b, a)"));
        Assert.That(Formula.Parse(f.ToString()), Is.EqualTo(f));
    }

    [Test]
    public void LocalFunction_Backpropagate_NamesTheCallsNodesAfterTheFunction()
    {
        var f = Formula.Parse("let hyp x y = sqrt(x**2 + y**2) in hyp(a + 1, b*2)");
        var pass = f.Backpropagate(new Dictionary<string, double> { ["a"] = 2, ["b"] = 2 });
        var names = pass.Nodes.Select(n => n.Name).ToList();
        Assert.That(names, Does.Contain("hyp_x").And.Contain("hyp_y"), string.Join(", ", names));
        Assert.That(pass.Value, Is.EqualTo(5.0));
        Assert.That(pass.Gradient["a"], Is.EqualTo(0.6).Within(1e-15));
    }

    [Test]
    public void LocalFunction_ExponentialExpansion_LimitError()
    {
        var text = "let f0 x = x + x\n" + string.Concat(Enumerable.Range(1, 40).Select(i => $"let f{i} x = f{i - 1}(f{i - 1}(x))\n")) + "f40(a)";
        // the limit is scale-free: a smaller MaxResultNodes stops the same doubling sooner
        var error = Assert.Throws<FormulaSyntaxException>(() => Formula.Parse(text, new FormulaOptions { MaxResultNodes = 20_000 }))!;
        Assert.That(error.Kind, Is.EqualTo(FormulaErrorKind.Limit), error.Message);
        Assert.That(error.Message, Does.Contain("MaxResultNodes"));
    }

    private static double MyErf(double x) => Math.Tanh(1.2 * x);

    private static FormulaContext Erf(string? derivative = "1.2*(1 - erf(x)**2)") => derivative is null
        ? FormulaContext.Default.WithFunction("erf(x)", (Func<double, double>)MyErf)
        : FormulaContext.Default.WithFunction("erf(x)", (Func<double, double>)MyErf, derivative);

    [Test]
    public void Context_FunctionOnlyInItsContext_NameErrorWithoutIt()
    {
        var error = Assert.Throws<FormulaSyntaxException>(() => Formula.Parse("erf(x)"))!;
        Assert.That(error.Kind, Is.EqualTo(FormulaErrorKind.Name));
        Assert.That(Formula.Parse("erf(x)", Erf()).Evaluate(0.5), Is.EqualTo(MyErf(0.5)));
        var listed = Assert.Throws<FormulaSyntaxException>(() => Formula.Parse("erg(x)", Erf()))!;
        Assert.That(listed.Message, Does.Contain("atan2, erf"), "an unknown function lists the context's functions");
    }

    [Test]
    public void Context_DerivativeThatCallsTheFunctionItself_DifferentiatesAndChecks()
    {
        var f = Formula.Parse("erf(2*x)", Erf());
        var d = f.Derivative("x");
        Assert.That(d.ToString(), Is.EqualTo("2.4*(1 - erf(2*x)**2)"));
        Assert.That(d.Context, Is.SameAs(f.Context));
        Assert.That(Formula.Parse(d.ToString(), f.Context), Is.EqualTo(d), "the derivative reads back with the context");
        Assert.That(d.Compile()([0.3]), Is.EqualTo(2.4 * (1 - (MyErf(0.6) * MyErf(0.6)))).Within(1e-15));
        var second = f.Derivative("x", 2).Evaluate(0.3);
        var numeric = FiniteDifferences.Partial(p => d.Evaluate(p), [0.3], 0, DifferenceMethod.Richardson);
        Assert.That(second, Is.EqualTo(numeric.Value).Within(1e-8), $"second derivative {f.Derivative("x", 2)}");
        Assert.That(DerivativeChecker.Check(f, new Dictionary<string, double> { ["x"] = 0.3 }).Ok, Is.True);
    }

    [Test]
    public void Context_WrongDerivativeGivenAtRegistration_FlaggedByCheck()
    {
        var f = Formula.Parse("erf(x) + x", Erf("1.2*(1 - erf(x))"));
        var check = DerivativeChecker.Check(f, new Dictionary<string, double> { ["x"] = 0.7 });
        Assert.That(check.Ok, Is.False, $"the wrong derivative of erf passed: {string.Join("; ", check.Rows.Select(r => $"{r.Symbolic} vs {r.Numeric.Value}"))}");
    }

    [Test]
    public void Context_FunctionWithoutDerivatives_EvaluatesButDifferentiationNamesIt()
    {
        var f = Formula.Parse("erf(x)*x", Erf(null));
        Assert.That(f.Compile()([0.5]), Is.EqualTo(MyErf(0.5) * 0.5));
        Assert.That(FiniteDifferences.Partial(p => f.Evaluate(p), [0.5], 0, DifferenceMethod.Richardson).Value,
            Is.EqualTo(MyErf(0.5) + (0.5 * 1.2 * (1 - (MyErf(0.5) * MyErf(0.5))))).Within(1e-9), "checked numerically");
        foreach (var (name, action) in new (string, Action)[] { ("Derivative", () => f.Derivative("x")), ("CompileGradient", () => f.CompileGradient()) })
        {
            var error = Assert.Throws<FormulaException>(() => action(), name)!;
            Assert.That(error.Message, Does.Contain("erf(x)").And.Contain("has no derivative"), $"{name}: {error.Message}");
        }
    }

    [TestCase("sin(x) = x", "built-in function")]
    [TestCase("pi(x) = x", "built-in constant")]
    [TestCase("f(x) = f(x)", "cannot call itself")]
    [TestCase("f(x, x) = x", "declared twice")]
    [TestCase("f(x) = y", "unknown name `y`")]
    [TestCase("f x = x", "name(x)")]
    [TestCase("f(x) = (x", "expected")]
    [TestCase("f(a, b, c, d, e) = a", "one to four")]
    [TestCase("let(x) = x", "not a name")]
    public void Context_BadDefinition_ClearError(string definition, string reason)
    {
        var error = Assert.Throws<FormulaSyntaxException>(() => FormulaContext.Default.WithFunction(definition))!;
        Assert.That(error.Message, Does.Contain(reason), definition);
    }

    [Test]
    public void Context_NameTwice_ErrorNeverReplaced()
    {
        var context = FormulaContext.Default.WithFunction("f(x) = x + 1").WithConstant("g", 9.80665);
        Assert.That(Assert.Throws<FormulaSyntaxException>(() => context.WithFunction("f(x) = 2*x"))!.Message, Does.Contain("already defined"));
        Assert.That(Assert.Throws<FormulaSyntaxException>(() => context.WithConstant("g", 1))!.Message, Does.Contain("already defined"));
        Assert.That(Assert.Throws<FormulaSyntaxException>(() => context.WithConstant("f", 1))!.Message, Does.Contain("already defined"));
        Assert.That(Formula.Parse("f(g)", context).Evaluate(), Is.EqualTo(10.80665));
    }

    [Test]
    public void Context_ParameterShadowsConstant_AsItShadowsPi()
    {
        var context = FormulaContext.Default.WithConstant("g", 9.80665);
        Assert.That(Formula.Parse("g*t", context).Parameters, Is.EqualTo(new[] { "t" }));
        var shadowed = Formula.Parse("fun g t -> g*t", context);
        Assert.That(shadowed.Evaluate(2, 3), Is.EqualTo(6));
        Assert.That(shadowed.ToString(), Is.EqualTo("fun g t -> g*t"), "the header keeps g a parameter when read back");
        Assert.That(Formula.Parse("let g = 2 in g*t", context).Evaluate(3), Is.EqualTo(6));
    }

    [Test]
    public void Context_BadImplementation_ArgumentException()
    {
        Assert.Throws<ArgumentException>(() => FormulaContext.Default.WithFunction("f(x, y)", (Func<double, double>)Math.Sin));
        Assert.Throws<ArgumentException>(() => FormulaContext.Default.WithFunction("f(x)", (Func<double, double>)Math.Sin, "cos(x)", "0"));
        Assert.Throws<ArgumentOutOfRangeException>(() => FormulaContext.Default.WithConstant("g", double.NaN));
    }

    [Test]
    public void Context_StaticMethod_CompiledAsADirectCall()
    {
        var f = Formula.Parse("erf(x) + 1", Erf());
        var calls = new Collector();
        calls.Visit(f.ToExpression<Func<double, double>>());
        Assert.That(calls.Methods, Does.Contain(typeof(UserFunctionTests).GetMethod(nameof(MyErf), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)));
        Assert.That(calls.Invocations, Is.Zero);

        var scale = 3.0;
        Func<double, double> lambda = x => scale * x;
        var closure = Formula.Parse("k(x)", FormulaContext.Default.WithFunction("k(x)", lambda));
        var called = new Collector();
        called.Visit(closure.ToExpression<Func<double, double>>());
        Assert.That((called.Methods.Single(), called.Invocations), Is.EqualTo((lambda.Method, 0)), "a closure's method is called on its target");
        Assert.That(closure.Compile<Func<double, double>>()(2), Is.EqualTo(6));

        // Compile<T>() gives a closure (over the engine's evaluator, then the compiled code): one call on its target
        var triple = Formula.Parse("3*x").Compile<Func<double, double>>();
        var compiled = Formula.Parse("k(x)", FormulaContext.Default.WithFunction("k(x)", triple));
        var invoked = new Collector();
        invoked.Visit(compiled.ToExpression<Func<double, double>>());
        Assert.That((invoked.Methods.Count + invoked.Invocations, invoked.Methods.SingleOrDefault()), Is.EqualTo((1, triple.Method)), "a compiled delegate is one call");
        Assert.That(compiled.Compile<Func<double, double>>()(2), Is.EqualTo(6));
    }

    [Test]
    public void Context_DefinedFunctionInBlockFreeExpression_WrittenInPlace()
    {
        var f = Formula.Parse("softplus(x)*2", FormulaContext.Default.WithFunction("softplus(x) = log(1 + exp(x))"));
        var x = System.Linq.Expressions.Expression.Parameter(typeof(double), "x");
        var body = f.ToExpression(_ => x);
        var collector = new Collector();
        collector.Visit(body);
        Assert.That(collector.Invocations, Is.Zero, body.ToString());
        Assert.That(System.Linq.Expressions.Expression.Lambda<Func<double, double>>(body, x).Compile()(0.5), Is.EqualTo(f.Evaluate(0.5)));
    }

    private sealed class Collector : System.Linq.Expressions.ExpressionVisitor
    {
        public List<System.Reflection.MethodInfo> Methods { get; } = [];

        public int Invocations { get; private set; }

        protected override System.Linq.Expressions.Expression VisitMethodCall(System.Linq.Expressions.MethodCallExpression node)
        {
            Methods.Add(node.Method);
            return base.VisitMethodCall(node);
        }

        protected override System.Linq.Expressions.Expression VisitInvocation(System.Linq.Expressions.InvocationExpression node)
        {
            Invocations++;
            return base.VisitInvocation(node);
        }
    }

    [Test]
    public void Context_SharedByEightThreads_EveryResultRight()
    {
        var context = Erf().WithFunction("softplus(x) = log(1 + exp(x))").WithConstant("g", 9.80665);
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            try
            {
                Work(t);
            }
            catch (Exception e)
            {
                failures.Add($"thread {t}: {e}");
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.That(failures, Is.Empty, string.Join("\n", failures.Take(5)));

        void Work(int t)
        {
            for (var i = 0; i < 200; i++)
            {
                var c = (t * 1000) + i;
                var f = Formula.Parse($"softplus(g*x) + erf(x)*{c}", context);
                var x = i / 100.0;
                var expected = Math.Log(1 + Math.Exp(9.80665 * x)) + (MyErf(x) * c);
                var actual = i % 2 == 0 ? f.Evaluate(x) : f.Compile()([x]);
                var slope = f.Derivative("x").Evaluate(x);
                var expectedSlope = (9.80665 * Math.Exp(9.80665 * x) / (Math.Exp(9.80665 * x) + 1)) + (c * 1.2 * (1 - (MyErf(x) * MyErf(x))));
                if (!Near(expected, actual, 16) || Math.Abs(slope - expectedSlope) > 1e-9 * Math.Max(1, Math.Abs(expectedSlope)))
                {
                    failures.Add($"thread {t}, {f} at {x}: {actual} vs {expected}, slope {slope} vs {expectedSlope}");
                }
            }
        }
    }

    [Test]
    public void Context_Dialects_NameAsRegisteredAndConstantsAsValues()
    {
        var context = Erf().WithConstant("g", 9.80665);
        var f = Formula.Parse("erf(g*x)", context);
        Assert.That(f.ToString(), Is.EqualTo("erf(g*x)"));
        Assert.That(f.ToString("C#"), Is.EqualTo("erf(9.80665 * x)"));
        Assert.That(f.ToString("DynamicLinq"), Is.EqualTo("erf(9.80665 * x)"));
        Assert.That(f.ToString("LaTeX"), Is.EqualTo(@"\operatorname{erf}\left(g \cdot x\right)"));
    }

    [TestCase("eval", "softplus(g)", "9.806705082552615\n")]
    [TestCase("diff", "softplus(g*t)", "g*exp(g*t)/(exp(g*t) + 1)\n")]
    public void Mgx_DefineAndConstant_UsedByTheFormula(string command, string formula, string expected)
    {
        var (code, output, error) = Mgx.Run(command, formula, "--define", "softplus(x) = log(1 + exp(x))", "--constant", "g=9.80665");
        Assert.That((code, output), Is.EqualTo((0, expected)), error);
    }

    [TestCase("check", "hyp(a, b)", "a=3", "b=4")]
    [TestCase("grad", "hyp(a, b)", "a=3", "b=4")]
    [TestCase("eval", "hyp(a, b)", "a=3", "b=4")]
    public void Mgx_DefinedFunctionOnEveryCommand_Succeeds(string command, string formula, string a, string b)
    {
        var (code, output, error) = Mgx.Run(command, formula, a, b, "--define", "sq(x) = x*x", "--define", "hyp(x, y) = sqrt(sq(x) + sq(y))");
        Assert.That(code, Is.Zero, $"mgx {command}: {error}");
        Assert.That(output, Does.Contain(command switch { "grad" => "0.6", "check" => "| ok", _ => "5" }), output);
    }

    [TestCase("sin(x) = 2", "built-in function")]
    [TestCase("f(x) = x\u0000", "")]
    public void Mgx_RedefiningABuiltIn_ErrorExit1(string definition, string reason)
    {
        var (code, output, error) = Mgx.Run("eval", "1", "--define", System.Text.RegularExpressions.Regex.Unescape(definition));
        Assert.That((code, output), Is.EqualTo((1, "")), error);
        Assert.That(error, Does.StartWith("mgx: ").And.Contain(reason));
    }

    [Test]
    public void Mgx_DefinedFunctionInGraphAndPlot_Succeeds()
    {
        string[] define = ["--define", "sq(x) = x*x", "--define", "hyp(x, y) = sqrt(sq(x) + sq(y))"];
        var (code, output, error) = Mgx.Run(["graph", "hyp(a, b)", "a=3", "b=4", .. define]);
        Assert.That(code, Is.Zero, error);
        Assert.That(output, Does.StartWith("digraph").And.Contain("grad 0.6000"), output);
        var picture = Path.Combine(Path.GetTempPath(), $"mgx-define-{Guid.NewGuid():N}.png");
        try
        {
            (code, _, error) = Mgx.Run(["plot", "hyp(x, 1)", "--out", picture, "--derivative", .. define]);
            Assert.That(code, Is.Zero, error);
            Assert.That(new FileInfo(picture).Length, Is.GreaterThan(1000), "a PNG was written");
        }
        finally
        {
            File.Delete(picture);
        }
    }

    [Test]
    public void Mgx_ConstantTwice_ErrorExit1()
    {
        var (code, _, error) = Mgx.Run("eval", "g", "--constant", "g=1", "--constant", "g=2");
        Assert.That(code, Is.EqualTo(1), error);
        Assert.That(error, Does.Contain("already defined"));
    }

    [Test]
    public void Batch_DefineOp_AddsToTheSessionAndRequestDefinitionsHoldForOneRequest()
    {
        var input = string.Join("\n",
            """{"id":1,"op":"define","define":["softplus(x) = log(1 + exp(x))"],"constants":{"g":9.80665}}""",
            """{"id":2,"op":"eval","formula":"softplus(g)"}""",
            """{"id":3,"op":"diff","formula":"h(x)","wrt":"x","define":["h(x) = softplus(x)**2"]}""",
            """{"id":4,"op":"eval","formula":"h(1)"}""",
            """{"id":5,"op":"define","define":["softplus(x) = 1"]}""",
            """{"id":6,"op":"define","constants":{"k":2},"define":["bad(x) = ("]}""",
            """{"id":7,"op":"eval","formula":"k"}""",
            """{"id":8,"op":"grad","formula":"let hyp x y = sqrt(x**2 + y**2) in hyp(a, b*2)","at":{"a":3,"b":2}}""",
            """{"id":9,"op":"eval","formula":"softplus(0)"}""",
            """{"id":10,"op":"define","constants":{"k":"NaN"}}""");
        var (code, output, error) = Mgx.RunWithInput(input, "batch");
        Assert.That(code, Is.Zero, error);
        var lines = output.TrimEnd('\n').Split('\n');
        Assert.That(lines, Has.Length.EqualTo(10), output);
        Assert.That(lines[0], Is.EqualTo("""{"id":1,"defined":["g","softplus"]}"""));
        Assert.That(lines[1], Is.EqualTo("""{"id":2,"value":9.806705082552615}"""));
        Assert.That(lines[2], Is.EqualTo("""{"id":3,"derivative":"2*softplus(x)*exp(x)/(exp(x) + 1)"}"""));
        Assert.That(lines[3], Does.Contain("\"kind\":\"name\"").And.Contain("unknown function `h`"), "a request's definitions hold for it alone");
        Assert.That(lines[4], Does.Contain("\"kind\":\"name\"").And.Contain("already defined"));
        Assert.That(lines[5], Does.Contain("\"kind\":\"syntax\"").And.Contain("bad(x) = ("));
        Assert.That(lines[6], Does.Contain("unknown").Or.Contain("\"kind\":\"name\""), "a failed define op adds nothing, not even its constants");
        Assert.That(lines[7], Is.EqualTo("""{"id":8,"value":5,"gradient":{"a":0.6000000000000001,"b":1.6},"nodes":{"hyp_y":{"value":4,"grad":0.8}}}"""));
        Assert.That(lines[8], Is.EqualTo("""{"id":9,"value":0.6931471805599453}"""));
        Assert.That(lines[9], Is.EqualTo("""{"id":10,"error":{"kind":"name","message":"the constant `k` must be a finite number, not NaN"}}"""));
    }

    [Test]
    public void Context_PastMaxAdded_LimitErrorAndShortMessages()
    {
        var context = FormulaContext.Default;
        for (var i = 0; i < FormulaContext.MaxAdded; i++)
        {
            context = i % 2 == 0 ? context.WithConstant($"c{i}", i) : context.WithFunction($"f{i}(x) = x + {i}");
        }

        var error = Assert.Throws<FormulaException>(() => context.WithConstant("one_more", 1))!;
        Assert.That(error.Kind, Is.EqualTo(FormulaErrorKind.Limit), error.Message);
        Assert.That(Formula.Parse("f9999(c9998)", context).Evaluate(), Is.EqualTo(19997));
        var unknown = Assert.Throws<FormulaSyntaxException>(() => Formula.Parse("nope(1)", context))!;
        Assert.That(unknown.Message, Has.Length.LessThan(2000).And.Contain("more"), "the list of functions is cut short");
    }
}
