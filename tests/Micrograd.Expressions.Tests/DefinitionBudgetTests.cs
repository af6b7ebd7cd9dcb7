using System.Text;
using System.Text.Json;
using Micrograd.Expressions.Cli.Batch;

namespace Micrograd.Expressions.Tests;

/// <summary>
/// Functions defined by formula count toward the limits by their written-out cost, at the default limits: calls
/// of calls multiply, so a chain of definitions that doubles at each step is refused with kind <c>limit</c>
/// instead of taking 2ⁿ time; a batch session bounds what its definitions keep; the compile cache does not keep
/// a large definition alive.
/// </summary>
[TestFixture]
public class DefinitionBudgetTests
{
    // g0 has about 1,000 nodes; each g(k) calls g(k-1) twice, so g(k) writes out to about 1,000·2^k nodes
    private static string Base() =>
        "g0(x) = " + string.Join(" + ", Enumerable.Range(1, 330).Select(i => $"{i}*x"));

    [Test]
    public void WithFunction_TenDefinitionsEachCallingThePreviousTwice_TheTenthRefusedWithLimit()
    {
        var context = FormulaContext.Default.WithFunction(Base());
        for (var k = 1; k < 10; k++)
        {
            context = context.WithFunction($"g{k}(x) = g{k - 1}(x) + g{k - 1}(x + 1)");
        }

        Assert.That(context.Functions[^1].InlineNodes, Is.LessThanOrEqualTo(FormulaOptions.Default.MaxResultNodes), "g9 is within the limit");
        var refused = Assert.Throws<FormulaSyntaxException>(() => context.WithFunction("g10(x) = g9(x) + g9(x + 1)"))!;
        Assert.That(refused.Kind, Is.EqualTo(FormulaErrorKind.Limit), refused.Message);
        Assert.That(refused.Message, Does.Contain("MaxResultNodes"));
    }

    [Test]
    public void WithFunction_ThirtyDoublingsOfASmallBody_RefusedBeforeTheWrittenOutSizePassesTheLimit()
    {
        var context = FormulaContext.Default.WithFunction("h0(x) = sin(x) + x*x");
        var k = 1;
        FormulaSyntaxException? refused = null;
        for (; k <= 30 && refused is null; k++)
        {
            try
            {
                context = context.WithFunction($"h{k}(x) = h{k - 1}(h{k - 1}(x))");
            }
            catch (FormulaSyntaxException e)
            {
                refused = e;
            }
        }

        Assert.That(refused, Is.Not.Null, "thirty doublings were all accepted");
        Assert.That(refused!.Kind, Is.EqualTo(FormulaErrorKind.Limit));
        Assert.That(k - 1, Is.LessThanOrEqualTo(20), "refused once 2^k times the body passes 1,000,000 nodes");
        Assert.That(context.Functions[^1].InlineNodes, Is.LessThanOrEqualTo(FormulaOptions.Default.MaxResultNodes));
    }

    [Test]
    public void Parse_ManyCallsOfALargeDefinition_RefusedWithLimitAtUse()
    {
        var context = FormulaContext.Default.WithFunction(Base());
        for (var k = 1; k < 9; k++)
        {
            context = context.WithFunction($"g{k}(x) = g{k - 1}(x) + g{k - 1}(x + 1)");
        }

        // g8 writes out to about 256,000 nodes: three calls fit, five do not
        Assert.That(context.Parse("g8(x) + g8(y) + g8(x*y)").Parameters, Is.EqualTo(new[] { "x", "y" }));
        var refused = Assert.Throws<FormulaSyntaxException>(() => context.Parse("g8(x) + g8(y) + g8(x*y) + g8(x + y) + g8(x - y)"))!;
        Assert.That(refused.Kind, Is.EqualTo(FormulaErrorKind.Limit), refused.Message);
    }

    [Test]
    public void CompileCache_FormulaCallingALargeDefinition_NotKeptAlive()
    {
        // g2 writes out to about 4,000 nodes: its formula is 4 nodes, its key more than 2,048
        var context = FormulaContext.Default.WithFunction(Base())
            .WithFunction("g1(x) = g0(x) + g0(x + 1)").WithFunction("g2(x) = g1(x) + g1(x + 1)");
        var small = FormulaContext.Default.WithFunction("s(x) = x*x + 1").Parse("s(x) + 7.25");
        var large = context.Parse("g2(x) + 7.25");
        Assert.That((small.Compile()([2.0]), large.Compile()([1.0])), Is.EqualTo((12.25, (54615.0 * 8) + 7.25)));
        Assert.That(Compilation.CompileCache.Holds(small.Core, small.Parameters), Is.True, "a small definition is cached");
        Assert.That(Compilation.CompileCache.Holds(large.Core, large.Parameters), Is.False, "a key calling a 4,000-node body costs more than 2,048 nodes with it");
    }

    // a request's own definitions are garbage once it is answered: nothing process-wide (the compile cache, the
    // delegate compiler) keeps a large defined function alive after its formula is compiled, run and differentiated
    [Test]
    public void LargeDefinition_AfterUse_Collected()
    {
        var row = UseAndDrop();
        for (var i = 0; i < 3 && row.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.That(row.IsAlive, Is.False, "the defined function outlived its context and formulas");
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference UseAndDrop()
    {
        var context = FormulaContext.Default.WithFunction(Base())
            .WithFunction("g1(x) = g0(x) + g0(x + 1)").WithFunction("g2(x) = g1(x) + g1(x + 1)");
        var formula = context.Parse("g2(x)*y + 1");
        Assert.That(formula.Compile()([1.0, 2.0]), Is.EqualTo((54615.0 * 8 * 2) + 1));
        Assert.That(formula.Derivative("y").Evaluate(1.0, 2.0), Is.EqualTo(54615.0 * 8));
        return new WeakReference(context.Functions[^1]);
    }

    [Test]
    public void Batch_DefineOpsPastTheSessionLimit_RefusedWithLimitAndTheSessionGoesOn()
    {
        var session = new BatchSession();
        var body = new StringBuilder("x");
        while (body.Length < 240_000)
        {
            body.Append(" + 0.1234567890123456");
        }

        string Define(string name) => JsonSerializer.Serialize(new { op = "define", define = new[] { $"{name}(x) = {body}" } });
        for (var k = 0; k < 4; k++)
        {
            Assert.That(session.Answer(Define($"f{k}")), Does.Not.Contain("error"), $"define {k}");
        }

        var refused = JsonDocument.Parse(session.Answer(Define("f4"))).RootElement.GetProperty("error");
        Assert.That(refused.GetProperty("kind").GetString(), Is.EqualTo("limit"), refused.ToString());
        Assert.That(session.Context.TryLookup("f4", out _), Is.False, "a refused define adds nothing");

        // the session goes on: what it defined still works, and a request's own definitions do not count
        Assert.That(session.Answer("""{"op": "eval", "formula": "f3(0) - f0(0)"}"""), Is.EqualTo("""{"value":0}"""));
        for (var k = 0; k < 3; k++)
        {
            var request = JsonSerializer.Serialize(new { op = "eval", formula = "own(1)", define = new[] { $"own(x) = {body}" } });
            Assert.That(session.Answer(request), Does.StartWith("""{"value":"""), $"request {k}");
        }
    }
}
