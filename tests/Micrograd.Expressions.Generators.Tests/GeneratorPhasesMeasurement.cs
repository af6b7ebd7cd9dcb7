extern alias generator;

using System.Diagnostics;
using Micrograd.Expressions.Generators.Tests.Support;
using G = generator::Micrograd.Expressions.Generators;

namespace Micrograd.Expressions.Generators.Tests;

/// <summary>
/// Where the generator's time goes on 1,000 methods (the same project as <see cref="GeneratorTimeMeasurement"/>):
/// each method generated through <c>Writer.Generate</c>, timed whole, twice (the JIT's first run, then warm). A
/// measurement for docs/performance.md, run by hand (<c>--filter GeneratorPhases</c>).
/// </summary>
[TestFixture]
[Explicit("a measurement for docs/performance.md, not a test")]
public class GeneratorPhasesMeasurement
{
    [Test]
    public void GeneratorPhases_ThousandMethods_Measured()
    {
        var random = new RandomFormulas(7);
        var methods = new List<G.Method>();
        for (var i = 0; i < 1000;)
        {
            var text = random.Next();
            if (!Formula.TryParse(text, out var formula, out _) || formula.Parameters.Count == 0)
            {
                continue;
            }

            var parameters = formula.Parameters.Select(p => new G.Parameter(p, "double")).ToList();
            if (i % 4 == 0)
            {
                parameters.Add(new G.Parameter("g", "span"));
            }

            methods.Add(new G.Method($"Many.M{i}.g.cs", null, new([new G.Container("class", "Many")]), "public static partial", "public", "double", $"M{i}",
                new([.. parameters]), text, null, i % 4 == 0, new([]), $"M{i}_Text"));
            i++;
        }

        for (var round = 0; round < 3; round++)
        {
            var watch = Stopwatch.StartNew();
            var generated = methods.Select(m => G.Writer.Generate(m, CancellationToken.None)).Count(g => g.Source is not null);
            TestContext.Out.WriteLine($"round {round}: {watch.Elapsed.TotalMilliseconds:0} ms, {generated} sources");
            Phases(methods);
        }
    }

    private static void Phases(List<G.Method> methods)
    {
        var options = generator::Micrograd.Expressions.FormulaOptions.Default;
        var times = new double[5];
        var watch = new Stopwatch();
        void Lap(int phase)
        {
            times[phase] += watch.Elapsed.TotalMilliseconds;
            watch.Restart();
        }

        foreach (var m in methods)
        {
            watch.Restart();
            generator::Micrograd.Expressions.Syntax.Reader.TryRead(m.Formula!, generator::Micrograd.Expressions.Syntax.FunctionTable.BuiltIn, options, out var read, out _);
            Lap(0);
            var names = read.Parameters;
            System.Linq.Expressions.LambdaExpression lambda = m.Gradient
                ? generator::Micrograd.Expressions.Compilation.Backpropagation.GradientLambda(read.Core, names, options.RerollNodes)
                : generator::Micrograd.Expressions.Compilation.LinqCompiler.ToArrayLambda(read.Core, names, options.RerollNodes);
            Lap(1);
            G.CSharpWriter.Body(lambda, [.. names], m.Gradient ? "g" : null, names, "return {0};", "        ");
            Lap(2);
            generator::Micrograd.Expressions.Syntax.Printer.Print(read.Tree, generator::Micrograd.Expressions.Syntax.Dialect.Formula, options);
            Lap(3);
            _ = generator::Micrograd.Expressions.Syntax.Nodes.Walk(read.Core, distinct: false).Skip(options.MaxCompiledNodes).Any();
            Lap(4);
        }

        TestContext.Out.WriteLine($"  read {times[0]:0} ms, lowering {times[1]:0} ms, C# writing {times[2]:0} ms, printing {times[3]:0} ms, size check {times[4]:0} ms");
    }
}
