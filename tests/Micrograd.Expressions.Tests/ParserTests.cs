
namespace Micrograd.Expressions.Tests;

[TestFixture]
public class ParserTests
{
    [TestCase("-x**2", 3.0, -9.0)]
    [TestCase("-2**2", 0.0, -4.0)]
    [TestCase("2**-1", 0.0, 0.5)]
    [TestCase("2**3**2", 0.0, 512.0)]
    [TestCase("2^3^2", 0.0, 512.0)]
    [TestCase("(2**3)**2", 0.0, 64.0)]
    [TestCase("x - 1 - 2", 10.0, 7.0)]
    [TestCase("x / 2 / 5", 10.0, 1.0)]
    [TestCase("--x", 3.0, 3.0)]
    [TestCase("-+-x", 3.0, 3.0)]
    [TestCase("2 + 3*x", 2.0, 8.0)]
    [TestCase("(2 + 3)*x", 2.0, 10.0)]
    [TestCase("2*x**2", 3.0, 18.0)]
    [TestCase("-x**-2", 2.0, -0.25)]
    [TestCase("2**-x**2", 1.0, 0.5)]
    [TestCase("x*-1", 4.0, -4.0)]
    [TestCase(".5*x", 4.0, 2.0)]
    [TestCase("1e-6*x", 1e6, 1.0)]
    [TestCase("2.5E+3 + x", 0.0, 2500.0)]
    [TestCase("3. + x", 0.0, 3.0)]
    public void Parse_PrecedenceAndAssociativity_FollowPython(string text, double x, double expected)
    {
        var formula = Formula.Parse(text);
        var args = formula.Parameters.Count == 0 ? [] : new[] { x };
        var actual = formula.Evaluate(args);
        Assert.That(actual, Is.EqualTo(expected), $"{text} at x={x} gave {actual}; tree {formula}");
    }

    [TestCase("-x**2", "-x**2")]
    [TestCase("(-x)**2", "(-x)**2")]
    [TestCase("a^b^c", "a**b**c")]
    [TestCase("(a**b)**c", "(a**b)**c")]
    [TestCase("a - (b - c)", "a - (b - c)")]
    [TestCase("(a - b) - c", "a - b - c")]
    [TestCase("a + (b + c)", "a + (b + c)")]
    [TestCase("a/(b*c)", "a/(b*c)")]
    [TestCase("a/b*c", "a/b*c")]
    [TestCase("a*(b/c)", "a*(b/c)")]
    [TestCase("-(a*b)", "-a*b")]
    [TestCase("-(2*b)", "-2*b")]
    [TestCase("a - 2*b", "a - 2*b")]
    [TestCase("a + -2*b", "a - 2*b")]
    [TestCase("x + -4", "x - 4")]
    [TestCase("2 * - x", "2*-x")]
    [TestCase("(-3)**2", "(-3)**2")]
    [TestCase("  sin( x )+cos(y)  ", "sin(x) + cos(y)")]
    [TestCase("ln(x)", "log(x)")]
    [TestCase("atan2(y, x)", "atan2(y, x)")]
    [TestCase("pi*r**2", "pi*r**2")]
    [TestCase("let u = x*x in u + 1", "let u = x*x; u + 1")]
    [TestCase("let u = x\nlet v = u*2\nv - 1", "let u = x; let v = u*2; v - 1")]
    [TestCase("sin((let u = 2; u*x))", "sin((let u = 2; u*x))")]
    [TestCase("fun y x -> x - y", "x - y")]
    public void ToString_ParsedText_IsCanonicalWithMinimalParentheses(string text, string expected)
    {
        var printed = Formula.Parse(text).ToString();
        Assert.That(printed, Is.EqualTo(expected), $"input {text}");
        Assert.That(Formula.Parse(printed).Tree, Is.EqualTo(Formula.Parse(text).Tree), $"{printed} does not parse back to the tree of {text}");
    }

    [TestCase("3*x**2 - 4*x + 5", new[] { "x" })]
    [TestCase("a*b + c", new[] { "a", "b", "c" })]
    [TestCase("y + x*y + z", new[] { "y", "x", "z" })]
    [TestCase("fun x y -> y", new[] { "x", "y" })]
    [TestCase("let c = c + 1 in c*d", new[] { "c", "d" })]
    [TestCase("e*pi", new string[0])]
    [TestCase("let e = a*b\ne + 1", new[] { "a", "b" })]
    [TestCase("fun e -> e*2", new[] { "e" })]
    [TestCase("x1 + w_2 + alpha + _t", new[] { "x1", "w_2", "alpha", "_t" })]
    public void Parameters_Formula_InOrderOfFirstAppearanceOrHeader(string text, string[] expected)
    {
        var parameters = Formula.Parse(text).Parameters;
        Assert.That(parameters, Is.EqualTo(expected), $"{text}: [{string.Join(", ", parameters)}]");
    }

    [Test]
    public void Parse_RebindingInLet_UsesEarlierValue()
    {
        var f = Formula.Parse("let c = c + 1\nlet c = c*10\nc");
        Assert.That(f.Evaluate(2.0), Is.EqualTo(30.0), f.ToString());
    }

    [Test]
    public void Parse_BindingNamedE_ShadowsConstant()
    {
        var f = Formula.Parse("let e = a*b\nlet d = e + c\nd * f");
        var value = f.Evaluate(new Dictionary<string, double> { ["a"] = 2, ["b"] = -3, ["c"] = 10, ["f"] = -2 });
        Assert.That(value, Is.EqualTo(-8.0));
    }

    [TestCase("2x", 1, 2, "write `2*x` to multiply")]
    [TestCase("(1 + 2", 1, 7, "expected \")\"")]
    [TestCase("1 + 2)", 1, 6, "unexpected `)`")]
    [TestCase("3 +", 1, 4, "unexpected end of input")]
    [TestCase("3 * * 4", 1, 5, "unexpected `*`")]
    [TestCase("", 1, 1, "unexpected end of input")]
    [TestCase("   ", 1, 4, "unexpected end of input")]
    [TestCase("foo(x)", 1, 1, "unknown function `foo`")]
    [TestCase("sin(x, y)", 1, 1, "function `sin` takes 1 argument")]
    [TestCase("atan2(y)", 1, 1, "function `atan2` takes 2 arguments")]
    [TestCase("1 + sin", 1, 5, "function `sin` needs arguments")]
    [TestCase("pi(2)", 1, 1, "`pi` is a constant")]
    [TestCase("let x = 3", 1, 10, "expected \";\", \"in\" or a new line")]
    [TestCase("let x = 3;", 1, 11, "unexpected end of input")]
    [TestCase("let = 3; x", 1, 5, "unexpected `=`")]
    [TestCase("let sin = 3; sin", 1, 5, "`sin` is a built-in function")]
    [TestCase("1e", 1, 2, "malformed number `1e`")]
    [TestCase("1.2.3", 1, 4, "malformed number")]
    [TestCase("x +\n  * y", 2, 3, "unexpected `*`")]
    [TestCase("(a)(b)", 1, 4, "use `*` to multiply")]
    [TestCase("x $ y", 1, 3, "unexpected `$`")]
    [TestCase("fun x -> x + y", 1, 14, "unknown name `y`")]
    [TestCase("fun x x -> x", 1, 7, "declared twice")]
    [TestCase("sin()", 1, 1, "takes 1 argument")]
    [TestCase("2 3", 1, 3, "unexpected `3`")]
    public void Parse_MalformedInput_ReportsLineAndColumn(string text, int line, int column, string fragment)
    {
        var error = Assert.Throws<FormulaSyntaxException>(() => Formula.Parse(text))!;
        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain(fragment), $"{text}: {error.Message}");
            Assert.That((error.Line, error.Column), Is.EqualTo((line, column)), $"{text}: {error.Message}");
            Assert.That(error.Message, Does.Contain($"(line {line}, column {column})"));
        });
    }

    [Test]
    public void Parse_TrailingOperator_ReportsWholeMessageWithCaret()
    {
        var error = Assert.Throws<FormulaSyntaxException>(() => Formula.Parse("3*x +"))!;
        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Is.EqualTo("Syntax error (line 1, column 6): unexpected end of input, expected a number, a name or \"(\""));
            Assert.That(error.Caret, Is.EqualTo("3*x +\n     ^"));
            Assert.That(error.Kind, Is.EqualTo(FormulaErrorKind.Syntax));
        });
    }

    [TestCase("foo(1)", FormulaErrorKind.Name)]
    [TestCase("max(1)", FormulaErrorKind.Arity)]
    [TestCase("1 +", FormulaErrorKind.Syntax)]
    public void Parse_Error_HasKind(string text, FormulaErrorKind kind)
    {
        var error = Assert.Throws<FormulaSyntaxException>(() => Formula.Parse(text))!;
        Assert.That(error.Kind, Is.EqualTo(kind), error.Message);
    }

    [Test]
    public void TryParse_BadText_ReturnsErrorWithoutThrowing()
    {
        var ok = Formula.TryParse("2x", out var formula, out var error);
        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.False);
            Assert.That(formula, Is.Null);
            Assert.That(error!.Column, Is.EqualTo(2));
        });
    }

    // text the grammar does not accept is the usual bad input: TryParse reports it without an exception thrown inside
    [TestCase("1 +")]
    [TestCase("(x")]
    [TestCase("x y")]
    [TestCase("sin(")]
    [TestCase("3 ** * 2")]
    [TestCase("let u = in u")]
    [TestCase("")]
    public void TryParse_GrammarError_NoExceptionThrown(string text)
    {
        // the event is process-wide: only this thread's exceptions count (other tests may run in parallel)
        var thread = Environment.CurrentManagedThreadId;
        var thrown = new List<string>();
        void Record(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e)
        {
            if (Environment.CurrentManagedThreadId == thread)
            {
                thrown.Add($"{e.Exception.GetType().Name}: {e.Exception.Message}");
            }
        }

        AppDomain.CurrentDomain.FirstChanceException += Record;
        bool ok;
        FormulaSyntaxException? error;
        try
        {
            ok = Formula.TryParse(text, out _, out error);
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= Record;
        }

        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.False, text);
            Assert.That(error?.Line, Is.EqualTo(1), text);
            Assert.That(thrown, Is.Empty, $"`{text}`: exceptions thrown inside TryParse");
        });
    }

    [Test]
    public void Parse_CommaNeverDecimalPoint_IsError()
    {
        var error = Assert.Throws<FormulaSyntaxException>(() => Formula.Parse("1,5 + x"))!;
        Assert.That(error.Column, Is.EqualTo(2), error.Message);
    }
}
