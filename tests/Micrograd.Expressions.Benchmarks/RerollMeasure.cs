using System.Diagnostics;
using System.Globalization;

namespace Micrograd.Expressions.Benchmarks;

/// <summary>
/// Whether rerolling earns its place under the default limits: formulas of 20,000 to 50,000 nodes compiled with
/// the default <see cref="FormulaOptions.RerollNodes"/> and with rerolling off (<see cref="int.MaxValue"/>), each in
/// a process of its own: <c>-- --reroll sum|product|rosenbrock NODES on|off value|gradient</c> prints the compile
/// and first call, the best of five rounds of calls, the bytes allocated while compiling and the peak working set.
/// </summary>
public static class RerollMeasure
{
    /// <summary>A formula of about <paramref name="nodes"/> nodes: a sum of <c>c*xk</c>, a product of <c>(1 + xk/c)</c>, or extended Rosenbrock.</summary>
    public static string Text(string shape, int nodes) => shape switch
    {
        "sum" => string.Join(" + ", Enumerable.Range(0, nodes / 4).Select(i => string.Create(CultureInfo.InvariantCulture, $"{(i % 997) + 1}*x{i % 10}"))),
        "product" => string.Join(" * ", Enumerable.Range(0, nodes / 6).Select(i => string.Create(CultureInfo.InvariantCulture, $"(1 + x{i % 10}/{(i % 997) + 1000})"))),
        _ => Workload.ExtendedRosenbrock(nodes / 14),
    };

    /// <summary>Measures one configuration in this process and prints one line.</summary>
    public static void Run(string shape, int nodes, bool reroll, bool gradient)
    {
        var options = new FormulaOptions { RerollNodes = reroll ? FormulaOptions.Default.RerollNodes : int.MaxValue };
        var formula = Formula.Parse(Text(shape, nodes), options);
        var size = Syntax.Nodes.Walk(formula.Tree, distinct: false).Count();
        double[] p = [.. Enumerable.Range(0, formula.Parameters.Count).Select(i => 0.5 + (i * 0.01))];
        var g = new double[p.Length];
        GC.Collect();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        Func<double> call;
        if (gradient)
        {
            var f = formula.CompileGradient();
            call = () => f(p, g);
        }
        else
        {
            var f = formula.Compile();
            call = () => f(p);
        }

        var value = call();
        var compile = clock.Elapsed;
        var compileBytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        var best = double.MaxValue;
        for (var round = 0; round < 5; round++)
        {
            var n = 0;
            clock.Restart();
            while (clock.ElapsedMilliseconds < 200)
            {
                call();
                n++;
            }

            best = Math.Min(best, clock.Elapsed.TotalMicroseconds / n);
        }

        using var process = Process.GetCurrentProcess();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{shape} {size} nodes {(gradient ? "gradient" : "value")} reroll {(reroll ? "on " : "off")}: compile and first call {compile.TotalMilliseconds:F0} ms, {compileBytes / 1e6:F1} MB allocated; call {best:F2} us; peak working set {process.PeakWorkingSet64 / 1e6:F0} MB; value {value:R}"));
    }
}
