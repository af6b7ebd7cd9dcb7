using System.Text;
using Micrograd.Expressions.Syntax;
using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

/// <summary>
/// The hand-written reader of the common case must give exactly the grammar's tree, or leave the text to the
/// grammar: the grammar alone defines the language.
/// </summary>
[TestFixture]
public class QuickReaderTests
{
    private static readonly FormulaOptions Options = FormulaOptions.Default;

    [TestCase("3*x**2 - 4*x + 5")]
    [TestCase("-x**2")]
    [TestCase("-2**2")]
    [TestCase("2**-1")]
    [TestCase("2**3**2")]
    [TestCase("2^-x^+3")]
    [TestCase("2**-3**-+-2")]
    [TestCase("(2**3)**2")]
    [TestCase("x - 1 - 2")]
    [TestCase("x / 2 / 5")]
    [TestCase("a/b*c/-d")]
    [TestCase("--x")]
    [TestCase("- + - x")]
    [TestCase("x - -y + +z")]
    [TestCase("x*-1")]
    [TestCase("-(x + y) - (a - b)")]
    [TestCase("(a + b) + (c + d)")]
    [TestCase("(a*b)*(c*d)")]
    [TestCase("-(2*x)")]
    [TestCase("-(-1*x)")]
    [TestCase("((((x))))")]
    [TestCase(".5*x")]
    [TestCase("3. + x")]
    [TestCase("1e-6*x + 2.5E+3 + 1E5")]
    [TestCase("1e999 - 0.0 + 00012.50")]
    [TestCase("sin(x)*cos(y) + atan2(y, x)")]
    [TestCase("max( x ,y )+min(x,-y)")]
    [TestCase("sin (x)")]
    [TestCase("pi*e + pi")]
    [TestCase("  \tx\t+ 1  ")]
    [TestCase("_a1 + b_2 + ünïcode")]
    [TestCase("x**2**-y")]
    [TestCase("sqrt(x**2 + y**2)")]
    [TestCase("tanh(w1*x1 + w2*x2 + b)")]
    public void QuickReader_CommonFormula_ReadsTheGrammarsTree(string text)
    {
        var quick = QuickReader.TryRead(text, FunctionTable.BuiltIn, Options);
        Assert.That(quick, Is.Not.Null, $"`{text}` is left to the grammar, but it is the common case");
        var grammar = Grammar(text);
        Assert.That(StructuralComparer.Equal(quick, grammar), Is.True,
            $"`{text}`: quick {Printer.Print(quick!, Dialect.Formula)} ({quick}), grammar {Printer.Print(grammar, Dialect.Formula)} ({grammar})");
    }

    [TestCase("let u = x*x in u + 1")]
    [TestCase("fun x y -> x*y")]
    [TestCase("x\n+ 1")]
    [TestCase("x +\r\n1")]
    [TestCase("2x")]
    [TestCase("0x1F")]
    [TestCase("1e")]
    [TestCase("1e+")]
    [TestCase("1.2.3")]
    [TestCase("2_")]
    [TestCase("sin(x, y)")]
    [TestCase("sin()")]
    [TestCase("foo(x)")]
    [TestCase("sin")]
    [TestCase("sin + 1")]
    [TestCase("pi(2)")]
    [TestCase("x y")]
    [TestCase("")]
    [TestCase("   ")]
    [TestCase("(")]
    [TestCase("(x")]
    [TestCase("x)")]
    [TestCase("x +")]
    [TestCase("x**")]
    [TestCase("* x")]
    [TestCase("x * * y")]
    [TestCase("max(x,)")]
    [TestCase("max(,x)")]
    [TestCase("max(x y)")]
    [TestCase("x\u00a0+ 1")]
    [TestCase("x # comment")]
    [TestCase("in + 1")]
    public void QuickReader_UnusualText_LeavesItToTheGrammar(string text)
    {
        var quick = QuickReader.TryRead(text, FunctionTable.BuiltIn, Options);
        Assert.That(quick, Is.Null, $"`{text}` was read by hand as {quick}; the grammar must read it (or word its error)");
    }

    [TestCase(QuickReader.MaxDepth, true)]
    [TestCase(QuickReader.MaxDepth + 1, false)]
    public void QuickReader_Nesting_ReadsUpToItsDepthAndLeavesTheRest(int depth, bool read)
    {
        var text = new string('(', depth) + "x" + new string(')', depth);
        var quick = QuickReader.TryRead(text, FunctionTable.BuiltIn, Options);
        Assert.That(quick is not null, Is.EqualTo(read), $"{depth} parentheses: read by hand {quick is not null}");
        Assert.That(Formula.Parse(text).Evaluate(2.0), Is.EqualTo(2.0), $"{depth} parentheses");
    }

    [TestCase(3)]
    [TestCase(1)]
    public void QuickReader_DepthLimitBelowItsOwn_LeavesTheErrorToTheGrammar(int maxDepth)
    {
        var options = FormulaOptions.Default with { MaxDepth = maxDepth };
        var text = new string('(', maxDepth + 1) + "x" + new string(')', maxDepth + 1);
        Assert.That(QuickReader.TryRead(text, FunctionTable.BuiltIn, options), Is.Null, text);
        var error = Assert.Throws<FormulaSyntaxException>(() => Formula.Parse(text, options));
        Assert.That(error!.Kind, Is.EqualTo(FormulaErrorKind.Limit), error.Message);
    }

    [Test]
    public void QuickReader_FunctionOfAContext_ReadsItsCall()
    {
        var context = FormulaContext.Default.WithFunction("hyp(a, b) = sqrt(a**2 + b**2)");
        var text = "hyp(x, 2*y) + 1";
        var quick = QuickReader.TryRead(text, context.Table, Options);
        var grammar = Grammar(text, context.Table);
        Assert.That(quick is not null && StructuralComparer.Equal(quick, grammar), Is.True, $"`{text}`: quick {quick}, grammar {grammar}");
    }

    [Test]
    public void QuickReader_RandomFormulasWithRandomSpacing_GiveTheGrammarsTree()
    {
        var read = 0;
        const int Count = 400;
        for (var seed = 0; seed < Count; seed++)
        {
            var random = new Random(seed);
            var text = Respace(Printer.Print(new RandomTrees(seed).Next(5), Dialect.Formula), random);
            var quick = QuickReader.TryRead(text, FunctionTable.BuiltIn, Options);
            if (quick is null)
            {
                continue;
            }

            read++;
            var grammar = Grammar(text);
            Assert.That(StructuralComparer.Equal(quick, grammar), Is.True,
                $"seed {seed}, `{Shorten(text)}`: quick {Shorten(Printer.Print(quick, Dialect.Formula))}, grammar {Shorten(Printer.Print(grammar, Dialect.Formula))}");
        }

        // the random trees are all the common case: a reader that declined them would serve no one
        Assert.That(read, Is.GreaterThanOrEqualTo(Count * 9 / 10), $"read by hand {read} of {Count}");
    }

    private static Expr Grammar(string text, FunctionTable? functions = null) =>
        Parser.TryRead(text, functions ?? FunctionTable.BuiltIn, Options, null, out var read, out var error)
            ? read.Body
            : throw error;

    // spaces and tabs removed or added around every operator, parenthesis and comma ("**" kept whole)
    private static string Respace(string text, Random random)
    {
        var result = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == ' ')
            {
                continue;
            }

            var token = text[i] == '*' && i + 1 < text.Length && text[i + 1] == '*' ? "**" : text[i].ToString();
            i += token.Length - 1;
            var around = "+-*/^(),".Contains(token[0]) ? random.Next(4) switch { 0 => "", 1 => " ", 2 => "\t", _ => "  " } : "";
            result.Append(around).Append(token).Append(around);
        }

        return result.ToString();
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
