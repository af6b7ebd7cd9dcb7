using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace Micrograd.Expressions.Benchmarks;

/// <summary>
/// Runs the suite: <c>dotnet run -c Release --project tests/Micrograd.Expressions.Benchmarks -- --filter '*'</c>,
/// with <c>--job short</c> for a quick run. Every class compares against a baseline in the same process.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["--large-peak", var shape, var what])
        {
            LargeFormulaBenchmarks.MeasurePeak(shape, what);
            return;
        }

        if (args is ["--reroll", var kind, var nodes, var reroll, var valueOrGradient])
        {
            RerollMeasure.Run(kind, int.Parse(nodes, System.Globalization.CultureInfo.InvariantCulture), reroll == "on", valueOrGradient == "gradient");
            return;
        }

        if (args is ["--warmup-child", var operation])
        {
            WarmUp.Measure(operation);
            return;
        }

        if (args is ["--warmup", .. var rest])
        {
            WarmUp.Run(rest.Length > 0 ? int.Parse(rest[0], System.Globalization.CultureInfo.InvariantCulture) : 5, rest.Length > 1 ? rest[1] : null);
            return;
        }

        var config = DefaultConfig.Instance
            .AddColumn(StatisticColumn.Median)
            .WithSummaryStyle(BenchmarkDotNet.Reports.SummaryStyle.Default.WithRatioStyle(RatioStyle.Trend));
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
    }
}
