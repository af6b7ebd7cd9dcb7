using System.Globalization;
using System.Text;
using System.Text.Json;
using Micrograd.Expressions.Cli.Batch;
using Micrograd.Expressions.Syntax;
using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

/// <summary>
/// One fixture per class of defect a hostile user found: each class is tested on the reported example and on
/// variants, asserting the error kind and message or the right number.
/// </summary>
[TestFixture]
public class ReliabilityTests
{
    // limits raised past the defaults, as an application with trusted input would, to test how costs scale
    private static readonly FormulaOptions Large = new() { MaxLength = 10_000_000, MaxNodes = 4_000_000 };

    private static JsonElement Error(string request)
    {
        var response = BatchSession.Handle(request);
        using var document = JsonDocument.Parse(response);
        Assert.That(document.RootElement.TryGetProperty("error", out var error), Is.True, $"{request} -> {response}");
        return error.Clone();
    }

    // class 1: no request ends a batch session

    [TestCase("""{"op":"check","formula":"x**2","at":{"x":3},"h":0}""", "field `h` must be a positive finite number, not 0")]
    [TestCase("""{"op":"check","formula":"x**2","at":{"x":3},"h":-1e-6}""", "field `h` must be a positive finite number, not -1e-06")]
    [TestCase("""{"op":"check","formula":"x**2","at":{"x":3},"h":"NaN"}""", "not NaN")]
    [TestCase("""{"op":"check","formula":"x**2","at":{"x":3},"h":"Infinity"}""", "not Infinity")]
    [TestCase("""{"op":"check","formula":"x**2","at":{"x":3},"h":"-Infinity"}""", "not -Infinity")]
    [TestCase("""{"op":"check","formula":"x**2","at":{"x":3},"method":"7"}""", "field `method` must be one of forward, backward, central, richardson, not `7`")]
    [TestCase("""{"op":"check","formula":"x**2","at":{"x":3},"method":"-1"}""", "field `method` must be one of")]
    [TestCase("""{"op":"check","formula":"x**2","at":{"x":3},"method":"Forward, Central"}""", "field `method` must be one of")]
    [TestCase("""{"op":"diff","formula":"x**2","format":"1"}""", "field `format` must be one of")]
    [TestCase("""{"op":"eval","formula":"x","at":{"x":1},"id":"\ud800"}""", "field `id` is not valid Unicode")]
    [TestCase("""{"op":"eval","formula":"x","at":{"x":1},"unused":"a\udc00b"}""", "field `unused` is not valid Unicode")]
    [TestCase("""{"op":"eval","formula":"x\ud800","at":{"x":1}}""", "field `formula` is not valid Unicode")]
    [TestCase("""{"op":"eval","formula":"x","at":{"\ud800":1}}""", "member 1 of field `at` is not valid Unicode")]
    [TestCase("""{"op":"eval","formula":"x","at":{"x":1},"deep":[["\udfff"]]}""", "field `deep[0][0]` is not valid Unicode")]
    public void Batch_BadField_RequestErrorAndSessionGoesOn(string request, string fragment)
    {
        using var input = new StringReader(request + "\n" + """{"id":2,"op":"eval","formula":"x+1","at":{"x":1}}""" + "\n");
        using var output = new StringWriter();
        BatchSession.Run(input, output);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(2), output.ToString());
        using var first = JsonDocument.Parse(lines[0]);
        using var second = JsonDocument.Parse(lines[1]);
        Assert.Multiple(() =>
        {
            var error = first.RootElement.GetProperty("error");
            Assert.That(error.GetProperty("kind").GetString(), Is.EqualTo("request"), lines[0]);
            Assert.That(error.GetProperty("message").GetString(), Does.Contain(fragment), lines[0]);
            Assert.That(second.RootElement.GetProperty("value").GetDouble(), Is.EqualTo(2.0), lines[1]);
        });
    }

    [TestCase(22, "latex", null)]
    [TestCase(25, "csharp", null)]
    [TestCase(40, "latex", null)]
    [TestCase(25, "dynamic-linq", "limit")]
    [TestCase(40, "dynamic-linq", "limit")]
    public void Batch_LetChainUsedTwice_LinearTextOrLimit(int bindings, string format, string? kind)
    {
        var text = new StringBuilder("let a0 = sin(x) in ");
        for (var i = 1; i < bindings; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"let a{i} = sin(a{i - 1})*cos(a{i - 1}) in ");
        }

        text.Append(CultureInfo.InvariantCulture, $"a{bindings - 1}");
        var request = JsonSerializer.Serialize(new { op = "diff", formula = text.ToString(), wrt = "x", format });
        var response = BatchSession.Handle(request);
        using var document = JsonDocument.Parse(response);
        if (kind is null)
        {
            var derivative = document.RootElement.GetProperty("derivative").GetString()!;
            Assert.That(derivative.Length, Is.LessThan(1000 * bindings), derivative);
            return;
        }

        var error = document.RootElement.GetProperty("error");
        Assert.Multiple(() =>
        {
            Assert.That(error.GetProperty("kind").GetString(), Is.EqualTo(kind));
            Assert.That(error.GetProperty("message").GetString(), Does.Contain("FormulaOptions.MaxOutputLength"));
        });
    }

    [TestCase("C#", false)]
    [TestCase("LaTeX", false)]
    [TestCase("DynamicLinq", true)]
    public void ToString_SharedChain_LinearOrLimitBeforeBuildingText(string dialect, bool limit)
    {
        var text = new StringBuilder("let a0 = x in ");
        for (var i = 1; i < 60; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"let a{i} = a{i - 1}*a{i - 1} + 1 in ");
        }

        text.Append("a59");
        var f = Formula.Parse(text.ToString());
        if (!limit)
        {
            Assert.That(f.ToString(dialect), Has.Length.LessThan(100 * text.Length));
            return;
        }

        var error = Assert.Throws<FormulaException>(() => f.ToString(dialect))!;
        Assert.That(error.Kind, Is.EqualTo(FormulaErrorKind.Limit), error.Message);
    }

    [TestCase("C#")]
    [TestCase("LaTeX")]
    [TestCase("DynamicLinq")]
    public void ToString_SmallBudget_LimitNamesOption(string dialect)
    {
        var f = Formula.Parse("let u = sin(x) + cos(x) in u*u*u", new FormulaOptions { MaxOutputLength = 50 });
        var error = Assert.Throws<FormulaException>(() => f.ToString(dialect))!;
        Assert.That(error.Message, Does.Contain("FormulaOptions.MaxOutputLength"));
    }

    // class 2: memory linear in the number of bindings

    // linear is checked as a ratio: four times the bindings cost less than six times the bytes (a quadratic
    // pass costs sixteen), which holds at any size, so the long chain needs no more than 16,000 bindings
    [Test]
    public void DerivativeAndSimplify_LongLetChain_AllocateLinearly()
    {
        const int k = 16_000;
        var (shortChain, derivative, simplified) = DerivativeAndSimplify(k / 4);
        var (longChain, longDerivative, longSimplified) = DerivativeAndSimplify(k);

        // about 4 KB per binding here; the quadratic version took 230 KB per binding at k = 16,000
        Assert.Multiple(() =>
        {
            Assert.That(longChain / k, Is.LessThan(20_000), $"{longChain} bytes for {k} bindings");
            Assert.That((double)longChain / shortChain, Is.LessThan(6), $"{shortChain} bytes for {k / 4} bindings, {longChain} for {k}");
            Assert.That((derivative.Evaluate(1.0), longDerivative.Evaluate(1.0)), Is.EqualTo(((double)(k / 4), (double)k)), "the derivatives at 1");
            Assert.That((simplified.Evaluate(2.0), longSimplified.Evaluate(2.0)), Is.EqualTo((2.0 * (k / 4), 2.0 * k)), "the simplified chains at 2");
        });
    }

    // the bytes the derivative and simplification of a chain of k bindings allocate, and their results
    private static (long Allocated, Formula Derivative, Formula Simplified) DerivativeAndSimplify(int k)
    {
        var text = new StringBuilder("let a0 = x in ");
        for (var i = 1; i < k; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"let a{i} = x + a{i - 1} in ");
        }

        text.Append(CultureInfo.InvariantCulture, $"a{k - 1}");
        var f = Formula.Parse(text.ToString(), Large);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var derivative = f.Derivative("x");
        var simplified = f.Simplify();
        return (GC.GetAllocatedBytesForCurrentThread() - before, derivative, simplified);
    }

    // class 3: no stack overflow on a small stack

    [TestCase("sin(", ")", 999)]
    [TestCase("(1 + ", ")", 999)]
    [TestCase("exp(-", ")", 999)]
    public void EqualsAndHash_DeepTreeOnSmallStack_StructuralAnswer(string open, string close, int depth)
    {
        string Nest(string inner) => string.Concat(Enumerable.Repeat(open, depth)) + inner + string.Concat(Enumerable.Repeat(close, depth));
        var a = Formula.Parse(Nest("x")).Tree;
        var b = Formula.Parse(Nest("x")).Tree;
        var c = Formula.Parse(Nest("y")).Tree;
        var (same, hashes, different) = Threads.OnStack(() => (a.Equals(b), a.GetHashCode() == b.GetHashCode(), a.Equals(c)));
        Assert.Multiple(() =>
        {
            Assert.That(same, Is.True);
            Assert.That(hashes, Is.True);
            Assert.That(different, Is.False);
        });
    }

    // Equality and hashing walk without recursion whatever the depth: the property is scale-free, so the trees are
    // built directly (parsing 100,000 levels takes minutes in Debug); that the grammar builds this very shape is
    // checked once at a depth it reads quickly
    [TestCase(10_000)]
    [TestCase(100_000)]
    public void EqualsAndHash_LongPowerChainOnSmallStack_StructuralAnswer(int length)
    {
        var (a, b, c) = (PowerChain(length, "x"), PowerChain(length, "x"), PowerChain(length, "y"));
        var (same, hashes, different) = Threads.OnStack(() => (a.Equals(b), a.GetHashCode() == b.GetHashCode(), a.Equals(c)), 1024 * 1024);
        Assert.Multiple(() =>
        {
            Assert.That(same, Is.True, $"x**x**...**x ({length} x) equals itself built again");
            Assert.That(hashes, Is.True, $"x**x**...**x ({length} x) hashes as itself built again");
            Assert.That(different, Is.False, $"x**...**x**x ({length} x) differs from x**...**x**y");
        });
    }

    [Test]
    public void Parse_LongPowerChain_RightAssociativeChain()
    {
        const int length = 2_000;
        var text = string.Join("**", Enumerable.Repeat("x", length));
        var tree = Threads.OnStack(() => Formula.Parse(text, Large with { MaxDepth = length }).Tree, 64 * 1024 * 1024);
        Assert.That(Threads.OnStack(() => tree.Equals(PowerChain(length, "x")), 1024 * 1024), Is.True,
            $"{Shown.Text(text)} reads as x**(x**(...)): got {Shown.Formula(tree)}");
    }

    // x**(x**(...**last)) with `length` names, built bottom-up without recursion
    private static Expr PowerChain(int length, string last)
    {
        Expr chain = new Variable(last);
        for (var i = 1; i < length; i++)
        {
            chain = new Power(new Variable("x"), chain);
        }

        return chain;
    }

    // class 4: depth counted by the grammar

    [TestCase("**\n")]
    [TestCase("**\r\n")]
    [TestCase(" ** ")]
    [TestCase("^\n\n")]
    public void Parse_PowerChainAcrossLines_DepthLimit(string separator)
    {
        var text = string.Join(separator, Enumerable.Repeat("x", 5000));
        var error = Assert.Throws<FormulaSyntaxException>(() => Formula.Parse(text, new FormulaOptions { MaxDepth = 64 }))!;
        Assert.Multiple(() =>
        {
            Assert.That(error.Kind, Is.EqualTo(FormulaErrorKind.Limit));
            Assert.That(error.Message, Does.Contain("FormulaOptions.MaxDepth"));
        });
    }

    [TestCase("x**a1e", 1001)]
    [TestCase("x**b2E", 2000)]
    [TestCase("y**c_1e+x", 1500)]
    public void Parse_ShallowFormulaWithExponentLikeNames_Accepted(string term, int copies)
    {
        var f = Formula.Parse(string.Join("-", Enumerable.Repeat(term, copies)));
        Assert.That(f.Parameters.Count, Is.GreaterThanOrEqualTo(2), f.Parameters.Count.ToString(CultureInfo.InvariantCulture));
    }

    [TestCase("(((x)))", 3, true)]
    [TestCase("(((x)))", 2, false)]
    [TestCase("sin(cos(x))", 2, true)]
    [TestCase("sin(cos(x))", 1, false)]
    [TestCase("x**y**z", 2, true)]
    [TestCase("x**y**z", 1, false)]
    [TestCase("x**(y**z)", 3, true)]
    [TestCase("x**(y**z)", 2, false)]
    [TestCase("x**2 + y**2 + z**2", 1, true)]
    public void Parse_Depth_CountsParenthesesCallsAndPowers(string text, int maxDepth, bool accepted)
    {
        var ok = Formula.TryParse(text, out _, out var error, new FormulaOptions { MaxDepth = maxDepth });
        Assert.That(ok, Is.EqualTo(accepted), error?.Message);
    }

    // class 6: the order of a derivative

    [TestCase(2147483647)]
    [TestCase(33)]
    public void Derivative_OrderPastLimit_LimitError(int order)
    {
        var error = Assert.Throws<FormulaException>(() => Formula.Parse("x").Derivative("x", order))!;
        Assert.Multiple(() =>
        {
            Assert.That(error.Kind, Is.EqualTo(FormulaErrorKind.Limit));
            Assert.That(error.Message, Does.Contain("FormulaOptions.MaxOrder"));
        });
    }

    [TestCase("x**3", 32, 0.0)]
    [TestCase("3*x**2 - 4*x + 5", 30, 0.0)]
    [TestCase("exp(x)", 32, 1.0)]
    public void Derivative_HighOrderWithinLimit_Value(string text, int order, double expected) =>
        Assert.That(Formula.Parse(text).Derivative("x", order).Evaluate(0.0), Is.EqualTo(expected));

    [Test]
    public void Derivative_GrowingResult_LimitError()
    {
        var f = Formula.Parse("sigmoid(x)", new FormulaOptions { MaxResultNodes = 2_000 });
        var error = Assert.Throws<FormulaException>(() => f.Derivative("x", 12))!;
        Assert.That(error.Message, Does.Contain("FormulaOptions.MaxResultNodes"));
    }

    // the budget is scale-free: a sixteenth of the default stops the same swelling sixteen times sooner
    private static readonly FormulaOptions SmallWorkBudget = new() { MaxSymbolicBytes = FormulaOptions.Default.MaxSymbolicBytes / 16 };

    [TestCase("x**x**x", 12)]
    [TestCase("sigmoid(x)", 14)]
    [TestCase("exp(sin(x))*log(x)", 14)]
    public void Derivative_SwellingHighOrder_StoppedByWorkBudget(string text, int order)
    {
        var error = Assert.Throws<FormulaException>(() => Formula.Parse(text, SmallWorkBudget).Derivative("x", order))!;
        Assert.Multiple(() =>
        {
            Assert.That(error.Kind, Is.EqualTo(FormulaErrorKind.Limit));
            Assert.That(error.Message, Does.Contain("FormulaOptions.MaxSymbolicBytes").Or.Contain("FormulaOptions.MaxResultNodes"));
        });
    }

    [Test]
    public void Derivative_WorkBudgetSpent_NextOperationHasItsOwn()
    {
        Assert.Throws<FormulaException>(() => Formula.Parse("x**x**x", SmallWorkBudget).Derivative("x", 12));
        Assert.That(Formula.Parse("x**x**x", SmallWorkBudget).Derivative("x", 3).Evaluate(1.0), Is.EqualTo(9.0).Within(1e-12));
    }

    [Test]
    public void BatchDiff_HugeOrder_LimitErrorAndSessionGoesOn()
    {
        var error = Error("""{"op":"diff","formula":"x","order":2147483647}""");
        Assert.That(error.GetProperty("kind").GetString(), Is.EqualTo("limit"));
    }

    // class 13: every bad argument is one mgx: line (a formula error adds the line with a caret under the
    // column), exit 2 (usage) or 1 (failure), never a stack trace

    [TestCase(2, "diff", "x", "--order", "abc")]
    [TestCase(2, "diff", "x", "--order", "-1")]
    [TestCase(1, "diff", "x", "--order", "2147483647")]
    [TestCase(2, "check", "x**2", "x=3", "--h", "0")]
    [TestCase(2, "check", "x**2", "x=3", "--h", "-1")]
    [TestCase(2, "check", "x**2", "x=3", "--h", "NaN")]
    [TestCase(2, "check", "x**2", "x=3", "--method", "7")]
    [TestCase(2, "check", "x**2", "x=-1:1", "--scan", "-1")]
    [TestCase(1, "check", "x**2", "x=-1:1", "--scan", "2000000000")]
    [TestCase(2, "plot", "x", "--out", "/nonexistent-directory/f.png")]
    [TestCase(2, "graph", "x", "x=1", "--out", "/nonexistent-directory/g.dot")]
    [TestCase(2, "plot", "x", "--out", "f.png", "--width", "0")]
    [TestCase(2, "frobnicate")]
    [TestCase(1, "diff", "x +")]
    [TestCase(1, "eval", "x", "x=abc")]
    public void Cli_BadArgument_OneLineAndExitCode(int expected, params string[] args)
    {
        var (code, output, error) = Mgx.Run(args);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(expected), error);
            Assert.That(lines.Count(l => l.StartsWith("mgx:", StringComparison.Ordinal)), Is.EqualTo(1), error);
            Assert.That(error, Does.StartWith("mgx: "));
            Assert.That(error, Does.Not.Contain("   at "), error);
            Assert.That(output, Is.Empty);
        });
    }

    // class 8: one semantics for min and max, in every tier (Python's)

    private static double[] AllTiers(string text, double x)
    {
        var f = Formula.Parse(text);
        var interpreted = f.Evaluate(x);
        var compiled = f.Compile()([x]);
        var typed = f.Compile<Func<double, double>>()(x);
        var batch = new double[1];
        f.EvaluateBatch(new[] { x }, batch);
        Span<double> spanned = stackalloc double[1];
        f.EvaluateBatch(new ReadOnlySpan<double>(in x), spanned);
        return [interpreted, compiled, typed, batch[0], spanned[0]];
    }

    [TestCase("1/min(-0.0, x)", 0.0, double.NegativeInfinity)]
    [TestCase("1/min(x, -0.0)", 0.0, double.PositiveInfinity)]
    [TestCase("1/max(-0.0, x)", 0.0, double.NegativeInfinity)]
    [TestCase("1/max(x, -0.0)", 0.0, double.PositiveInfinity)]
    [TestCase("max(1, x)", double.NaN, 1.0)]
    [TestCase("max(x, 1)", double.NaN, double.NaN)]
    [TestCase("min(2, x)", double.NaN, 2.0)]
    [TestCase("min(x, 2)", double.NaN, double.NaN)]
    [TestCase("max(x, 3)", 5.0, 5.0)]
    [TestCase("min(x, 3)", 5.0, 3.0)]
    public void MinMax_SignedZeroAndNaN_PythonSemanticsInEveryTier(string text, double x, double expected)
    {
        var values = AllTiers(text, x);
        Assert.That(values, Is.All.EqualTo(expected), $"{Shown.Text(text)} at {x}: interpreted, compiled, typed, batch = {string.Join(", ", values)}");
    }

    [TestCase("-x + 0")]
    [TestCase("-(x*x)")]
    [TestCase("-x/-1")]
    public void Tiers_NaNInput_AllNaN(string text)
    {
        var values = AllTiers(text, double.NaN);
        Assert.That(values, Is.All.NaN, string.Join(", ", values));
    }

    // class 9: non-finite constants survive the text, and the compile cache is keyed by the tree

    [TestCase("1e999*x", "1e999*x")]
    [TestCase("-1e999*x", "-1e999*x")]
    [TestCase("x - 1e999", "x - 1e999")]
    public void ToString_InfiniteConstant_ParsesBackToIt(string text, string canonical)
    {
        var f = Formula.Parse(text);
        var back = Formula.Parse(f.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(f.ToString(), Is.EqualTo(canonical));
            Assert.That(back, Is.EqualTo(f));
            Assert.That(back.Evaluate(2.0), Is.EqualTo(f.Evaluate(2.0)));
        });
    }

    [Test]
    public void Derivative_OverflowingConstant_PrintsParseableInfinity()
    {
        var d = Formula.Parse("1e200*1e200*x").Derivative("x");
        Assert.Multiple(() =>
        {
            Assert.That(d.ToString(), Is.EqualTo("1e999"));
            Assert.That(Formula.Parse(d.ToString()).Evaluate(), Is.EqualTo(double.PositiveInfinity));
        });
    }

    [Test]
    public void Compile_ParameterNamedInfinityThenInfiniteConstant_NoCacheCollision()
    {
        var named = Formula.Parse("fun x Infinity -> Infinity + x");
        Assert.That(named.Compile()([1.0, 5.0]), Is.EqualTo(6.0));
        var constant = Formula.Parse("fun x Infinity -> 1e999 + x");
        Assert.Multiple(() =>
        {
            Assert.That(constant.Compile()([1.0, 5.0]), Is.EqualTo(double.PositiveInfinity));
            Assert.That(constant.Evaluate(1.0, 5.0), Is.EqualTo(double.PositiveInfinity));
        });
    }

    // class 11: the interpreted tier is linear in the number of names

    [TestCase(20_000)]
    [TestCase(100_000)]
    public void Evaluate_ManyParameters_InterpretedExactSum(int n)
    {
        var f = Formula.Parse(string.Join(" + ", Enumerable.Range(0, n).Select(i => $"p{i}")), Large);
        var values = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var sum = f.Evaluate(values);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Multiple(() =>
        {
            Assert.That(sum, Is.EqualTo((double)n * (n - 1) / 2));
            Assert.That(allocated / n, Is.LessThan(400), $"{allocated} bytes for {n} parameters");
        });
    }

    [Test]
    public void Evaluate_TwentyThousandLets_InterpretedValue()
    {
        var text = new StringBuilder("let a0 = x in ");
        for (var i = 1; i < 20_000; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"let a{i} = a{i - 1} + 1 in ");
        }

        text.Append("a19999");
        Assert.That(Formula.Parse(text.ToString()).Evaluate(0.5), Is.EqualTo(19_999.5));
    }

    // class 14: the offside rule of bindings

    [TestCase("let u = x*x\n-u", 3.0, -9.0)]
    [TestCase("let u = x*x\n+u", 3.0, 9.0)]
    [TestCase("let u = x + 1\n(u)*2", 3.0, 8.0)]
    [TestCase("let u = x\n*2", 3.0, double.NaN)]
    [TestCase("let u = x\n/2", 3.0, double.NaN)]
    [TestCase("let u = x\n**2", 3.0, double.NaN)]
    [TestCase("let u = x\n^2", 3.0, double.NaN)]
    [TestCase("let u = x +\n1\nu", 3.0, 4.0)]
    [TestCase("let u = x *\n2\nu", 3.0, 6.0)]
    [TestCase("let u = (x\n- 1)\nu", 3.0, 2.0)]
    [TestCase("let u = sin(\nx)\nu", 0.0, 0.0)]
    [TestCase("let u = x\nu\n- 1", 3.0, 2.0)]
    [TestCase("let u = (let v = x\n-v)\nu + 1", 3.0, -2.0)]
    [TestCase("let u = x*x +\n        x*x\nlet v = (u\n         - 1)\n-v", 2.0, -7.0)]
    public void Parse_OperatorAtLineStart_OffsideRule(string escaped, double x, double expected)
    {
        var text = escaped.Replace("\\n", "\n", StringComparison.Ordinal);
        if (double.IsNaN(expected))
        {
            var error = Assert.Throws<FormulaSyntaxException>(() => Formula.Parse(text))!;
            Assert.That(error.Line, Is.EqualTo(2), error.Message);
            return;
        }

        Assert.That(Formula.Parse(text).Evaluate(x), Is.EqualTo(expected), text);
    }

    // class 15: messages and small semantics

    [TestCase("log(x", "expected \")\"", 1, 6)]
    [TestCase("max(x, 1", "expected \")\"", 1, 9)]
    [TestCase("0x10", "hexadecimal, binary and octal numbers are not supported", 1, 1)]
    [TestCase("2*0b101", "hexadecimal, binary and octal numbers are not supported", 1, 3)]
    [TestCase("0beta", "write `0*beta`", 1, 2)]
    public void Parse_Mistake_Message(string text, string fragment, int line, int column)
    {
        var error = Assert.Throws<FormulaSyntaxException>(() => Formula.Parse(text))!;
        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain(fragment));
            Assert.That((error.Line, error.Column), Is.EqualTo((line, column)), error.Message);
        });
    }

    [TestCase("let m = 3 in m*x", "m", 2.0)]
    [TestCase("let m = pi in m*x", "m", 2.0)]
    [TestCase("let m = 3\nlet n = m*m\nn*x", "m", 12.0)]
    public void Backpropagate_LetBoundConstant_HasItsGradient(string escaped, string node, double expected)
    {
        var f = Formula.Parse(escaped.Replace("\\n", "\n", StringComparison.Ordinal));
        var pass = f.Backpropagate(new Dictionary<string, double> { ["x"] = 2.0 });
        Assert.That(pass.Nodes.Single(n => n.Name == node).Grad, Is.EqualTo(expected), string.Join("; ", pass.Nodes));
    }

    [Test]
    public void Backpropagate_LetNamedE_KeepsItsName()
    {
        var pass = Formula.Parse("let e = 2*x in e*e + e*exp(1)").Backpropagate(new Dictionary<string, double> { ["x"] = 1.0 });
        Assert.That(pass.Nodes.Select(n => n.Name), Is.EqualTo(new[] { "x", "e" }));
    }

    [TestCase("fun e x -> e**x + e*x", "x", "fun e x -> e**x*log(e) + e")]
    [TestCase("fun pi r -> pi*r**2", "r", "fun pi r -> 2*pi*r")]
    public void Derivative_ParameterShadowsConstant_PrintsHeader(string text, string variable, string expected)
    {
        var f = Formula.Parse(text);
        var d = f.Derivative(variable);
        Assert.Multiple(() =>
        {
            Assert.That(d.ToString(), Is.EqualTo(expected));
            Assert.That(Formula.Parse(d.ToString()).Evaluate(3.0, 2.0), Is.EqualTo(d.Evaluate(3.0, 2.0)));
        });
    }

    [TestCase("fun z -> let z = z*z in z", "z", "2*z")]
    [TestCase("fun z -> let z = z in 2*z", "z", "2")]
    [TestCase("fun x -> let x = x + 1 in x*x", "x", "2*(x + 1)")]
    [TestCase("let x1 = sin(x) in x1*0 + y", "x", "0")]
    public void Derivative_AliasOrUnusedBinding_Dropped(string text, string variable, string expected) =>
        Assert.That(Formula.Parse(text).Derivative(variable).ToString(), Is.EqualTo(expected));

    [TestCase("fun z -> let z = z in 2*z", "2*z")]
    [TestCase("fun z -> let z = z*z in z", "z**2")]
    [TestCase("let a = sin(x) in let b = a in b*b", "sin(x)**2")]
    public void Simplify_AliasBinding_Dropped(string text, string expected) =>
        Assert.That(Formula.Parse(text).Simplify().ToString(), Is.EqualTo(expected));

    [TestCase("0**x", 2.0, 0.0)]
    [TestCase("0**(x*x)", 1.5, 0.0)]
    public void Derivative_ZeroBase_Zero(string text, double x, double expected) =>
        Assert.That(Formula.Parse(text).Derivative("x").Evaluate(x), Is.EqualTo(expected));

    // class 16: a branch that is not taken passes no NaN into the gradient

    [TestCase("max((b - b)**0.5, b**2 - 0.1) * b", 1.2, 4.22)]
    [TestCase("(cosh(max(b, 1)) * sin(b - b))**0.5", 0.7, 0.0)]
    [TestCase("max(sqrt(b - b), 2*b)", 1.5, 2.0)]
    [TestCase("relu(b - 2)*sqrt(b)", 0.0, 0.0)]
    [TestCase("max(sqrt(b), 5)", 0.0, 0.0)]
    [TestCase("min(b, 3) + heaviside(b)*log(b)", 0.0, 1.0)]
    public void Gradient_UntakenBranch_NoNaN(string text, double b, double expected)
    {
        var f = Formula.Parse(text);
        var gradient = new double[1];
        f.CompileGradient()([b], gradient);
        var traced = f.Backpropagate(new Dictionary<string, double> { ["b"] = b }).Gradient["b"];
        Assert.Multiple(() =>
        {
            Assert.That(gradient[0], Is.EqualTo(expected).Within(1e-12), "CompileGradient");
            Assert.That(traced, Is.EqualTo(expected).Within(1e-12), "Backpropagate");
        });
    }

    [TestCase("max((b - b)**0.5, b**2 - 0.1) * b", 1.2, 4.22)]
    [TestCase("(cosh(max(b, 1)) * sin(b - b))**0.5", 0.7, 0.0)]
    [TestCase("max(sqrt(b - b), 2*b)", 1.5, 2.0)]
    public void Derivative_CancellingDifference_NoNaN(string text, double b, double expected) =>
        Assert.That(Formula.Parse(text).Derivative("b").Evaluate(b), Is.EqualTo(expected).Within(1e-12));

    // class 7: formulas the docs say compile do compile (or are refused up front), never InvalidProgramException

    [TestCase(66_000, Category = Categories.Slow)]
    public void EvaluateBatch_LetChainPastIlLocals_SameAsEvaluate(int bindings)
    {
        var text = new StringBuilder("let a0 = x\n");
        for (var i = 1; i < bindings; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"let a{i} = a{i - 1} + 1\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"a{bindings - 1}");
        var f = Formula.Parse(text.ToString(), Large with { MaxCompiledNodes = 4_000_000 });
        var ys = new double[3];
        f.EvaluateBatch(new[] { 0.5, -1.0, 2.0 }, ys);
        Assert.That(ys, Is.EqualTo(new[] { 0.5 + bindings - 1, -1.0 + bindings - 1, 2.0 + bindings - 1 }));
    }

    [TestCase(1_000_000, "product")]
    [TestCase(300_000, "product")]
    [TestCase(1_000_000, "sum")]
    public void CompileGradient_HugeFormulaWithinParseLimits_RefusedUpFront(int terms, string shape)
    {
        var text = string.Join(shape == "sum" ? "+" : "*", Enumerable.Repeat("x", terms));
        var f = Formula.Parse(text, Large);
        var error = Assert.Throws<FormulaException>(() => f.CompileGradient())!;
        Assert.Multiple(() =>
        {
            Assert.That(error.Kind, Is.EqualTo(FormulaErrorKind.Limit));
            Assert.That(error.Message, Does.Contain("FormulaOptions.MaxCompiledNodes"));
            Assert.That(f.Evaluate(1.0), Is.EqualTo(shape == "sum" ? terms : 1.0), "Evaluate interprets instead");
        });
    }

    [TestCase(2_000_000_000)]
    [TestCase(100_001)]
    public void Scan_TooManyPoints_LimitError(int points)
    {
        var f = Formula.Parse("x**2");
        var error = Assert.Throws<FormulaException>(() =>
            Calculus.DerivativeChecker.Scan(f, new Dictionary<string, (double, double)> { ["x"] = (-1, 1) }, points))!;
        Assert.That(error.Message, Does.Contain("FormulaOptions.MaxScanPoints"));
    }

    [Test]
    public void TryParse_Null_FalseWithError()
    {
        var ok = Formula.TryParse(null, out var formula, out var error);
        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.False);
            Assert.That(formula, Is.Null);
            Assert.That(error!.Kind, Is.EqualTo(FormulaErrorKind.Syntax));
        });
    }

    // the compile cache evicts while other threads add: each thread's formulas still compile and give their values
    [Test]
    public void CompileCache_EightThreadsPastCapacity_EveryFormulaCompiles()
    {
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            for (var i = 0; i < 600; i++)
            {
                try
                {
                    var c = (t * 1000) + i;
                    var value = Formula.Parse($"x*{c} + 1").Compile()([2]);
                    if (value != (2.0 * c) + 1)
                    {
                        failures.Add($"x*{c} + 1 at 2 gave {value}");
                    }
                }
                catch (Exception e)
                {
                    failures.Add(e.ToString());
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.That(failures, Is.Empty, string.Join("\n", failures.Take(3)));
    }
}
