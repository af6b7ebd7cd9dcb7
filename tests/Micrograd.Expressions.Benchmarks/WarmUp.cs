using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Micrograd.Expressions.Benchmarks;

/// <summary>
/// What a young process pays: every measurement starts a new process, which runs never-seen seed-sized formulas
/// (<c>3*x**2 - 4*x + k</c>, a new k each time) and reports the mean cost of the 1st, the 2nd–10th, the
/// 11th–100th, the 101st–1,000th and the 1,001st–10,000th, and of 10,000 more after a long warm-up (the settled
/// regime). <c>dotnet run -c Release --project tests/Micrograd.Expressions.Benchmarks -- --warmup [launches] [mgx]</c>.
/// BenchmarkDotNet's steady state cannot show this regime: its warm-up is the thing measured here.
/// </summary>
public static partial class WarmUp
{
    private const int Count = 10_000;

    private static readonly (int From, int To, string Name)[] Buckets =
        [(1, 1, "1st"), (2, 10, "2nd–10th"), (11, 100, "11th–100th"), (101, 1_000, "101st–1,000th"), (1_001, 10_000, "1,001st–10,000th")];

    private static readonly string[] Operations = ["parse", "parse-evaluate", "parse-compile-call", "parse-derivative-text"];

    private static string Text(long k) => string.Create(CultureInfo.InvariantCulture, $"3*x**2 - 4*x + {k}");

    /// <summary>The parent: launches a process per measurement and prints the table (µs per formula).</summary>
    /// <param name="launches">Processes per operation; the table gives the median of their means.</param>
    /// <param name="mgx">The <c>mgx</c> executable for the batch session, or null to skip it.</param>
    public static void Run(int launches, string? mgx)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var dll = typeof(WarmUp).Assembly.Location;
        Console.WriteLine($"| operation, µs per never-seen formula (median of {launches} processes) | {string.Join(" | ", Buckets.Select(b => b.Name))} | settled | 101st–1,000th ÷ settled |");
        Console.WriteLine($"|---|{string.Concat(Enumerable.Repeat("---:|", Buckets.Length + 2))}");
        // WARMUP_OPS=parse,parse-evaluate measures only those (WARMUP_OPS=, none)
        foreach (var operation in Environment.GetEnvironmentVariable("WARMUP_OPS")?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? Operations)
        {
            Report(operation, Enumerable.Range(0, launches).Select(_ => Child(self, dll, "--warmup-child", operation)).ToList());
        }

        if (mgx is not null)
        {
            Report("mgx batch eval, one request at a time", Enumerable.Range(0, launches).Select(_ => Session(mgx)).ToList());
            var totals = Enumerable.Range(0, launches).Select(_ => SessionTotals(mgx)).ToList();
            var (fresh, settled) = (Median(totals.Select(t => t.Fresh)), Median(totals.Select(t => t.Settled)));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"\nmgx batch, 1,000 never-seen eval requests written at once: {fresh:F1} ms in a fresh session (after one parse request), {settled:F1} ms settled ({fresh / settled:F2}x)"));
        }
    }

    private static void Report(string operation, List<double[]> runs)
    {
        var median = Enumerable.Range(0, Buckets.Length + 1).Select(i => Median(runs.Select(r => r[i]))).ToArray();
        var cells = string.Join(" | ", median.Select(v => v.ToString(v >= 100 ? "F0" : "F1", CultureInfo.InvariantCulture)));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {operation} | {cells} | {median[3] / median[^1]:F2}× |"));
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static double[] Child(string self, string dll, params string[] args)
    {
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(dll);
        }

        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {self}");
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"the measuring process failed ({process.ExitCode}): {output}");
        }

        return [.. output.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => double.Parse(s, CultureInfo.InvariantCulture))];
    }

    /// <summary>The child: runs one operation over never-seen formulas and prints each bucket's mean (µs).</summary>
    /// <param name="operation">One of parse, parse-evaluate, parse-compile-call, parse-derivative-text.</param>
    public static void Measure(string operation)
    {
        Func<string, double> step = operation switch
        {
            "parse" => text => Formula.Parse(text).Parameters.Count,
            "parse-evaluate" => text => Formula.Parse(text).Evaluate(3.0),
            "parse-compile-call" => text => Formula.Parse(text).Compile<Func<double, double>>()(3.0),
            "parse-derivative-text" => text => Formula.Parse(text).Derivative("x").ToString().Length,
            _ => throw new ArgumentException($"unknown operation {operation}"),
        };

        // each bucket's total, by the wall clock and by this thread's CPU time (which other processes on a busy
        // machine do not inflate; the JIT's first compilations run on this thread, its optimizing tier beside it)
        // the texts are made first: an app reads them from somewhere; making them is not the engine's cost
        var warm = operation == "parse-compile-call" ? 30_000 : 150_000;
        var texts = new string[Count + warm + Count + 1];
        for (var i = 1; i < texts.Length; i++)
        {
            texts[i] = Text(i);
        }

        var wall = new List<double>();
        var cpu = new List<double>();
        var sink = 0.0;
        var k = 0L;
        foreach (var (from, to, _) in Buckets)
        {
            var (clock, cpu0) = (Stopwatch.StartNew(), ThreadCpu.Microseconds());
            for (var i = from; i <= to; i++)
            {
                sink += step(texts[++k]);
            }

            wall.Add(clock.Elapsed.TotalMicroseconds / (to - from + 1));
            cpu.Add((ThreadCpu.Microseconds() - cpu0) / (to - from + 1));
        }

        // the settled regime: long enough for tiering and PGO to finish (compiling formulas costs more each)
        for (var i = 0; i < warm; i++)
        {
            sink += step(texts[++k]);
        }

        var (settled, settledCpu) = (Stopwatch.StartNew(), ThreadCpu.Microseconds());
        for (var i = 0; i < Count; i++)
        {
            sink += step(texts[++k]);
        }

        wall.Add(settled.Elapsed.TotalMicroseconds / Count);
        cpu.Add((ThreadCpu.Microseconds() - settledCpu) / Count);
        GC.KeepAlive(sink);
        Console.WriteLine(string.Join(' ', (Environment.GetEnvironmentVariable("WARMUP_CLOCK") == "cpu" ? cpu : wall).Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
    }

    /// <summary>
    /// An <c>mgx batch</c> session given 1,000 requests at once, fresh (once it has answered one parse request) and
    /// after 100,000 (ms for all answers).
    /// </summary>
    private static (double Fresh, double Settled) SessionTotals(string mgx)
    {
        var start = new ProcessStartInfo(mgx, "batch") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {mgx}");
        var next = 0L;
        double Answers(int n)
        {
            var text = new StringBuilder();
            for (var i = 0; i < n; i++)
            {
                text.Append(Request(++next)).Append('\n');
            }

            var clock = Stopwatch.StartNew();
            var writer = Task.Run(() =>
            {
                process.StandardInput.Write(text.ToString());
                process.StandardInput.Flush();
            });
            for (var i = 0; i < n; i++)
            {
                Check(process.StandardOutput.ReadLine());
            }

            writer.Wait();
            return clock.Elapsed.TotalMilliseconds;
        }

        // the session is ready once it answers a request that is not measured (process start-up is not the session's)
        process.StandardInput.WriteLine("{\"op\":\"parse\",\"formula\":\"0\"}");
        process.StandardInput.Flush();
        _ = process.StandardOutput.ReadLine();
        var fresh = Answers(1_000);
        Answers(100_000);
        var settled = Answers(1_000);
        process.StandardInput.Close();
        process.WaitForExit();
        return (fresh, settled);
    }

    private static string Request(long k) => "{\"op\":\"eval\",\"formula\":\"" + Text(k) + "\",\"at\":{\"x\":3}}";

    private static void Check(string? reply)
    {
        if (reply is null || !reply.StartsWith("{\"value\":", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"mgx batch answered {reply}");
        }
    }

    /// <summary>An <c>mgx batch</c> session, one request at a time: the round trip of each never-seen eval.</summary>
    private static double[] Session(string mgx)
    {
        var start = new ProcessStartInfo(mgx, "batch") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {mgx}");
        process.StandardInput.AutoFlush = true;
        var clock = new Stopwatch();
        double Ask(long k)
        {
            clock.Restart();
            process.StandardInput.WriteLine(Request(k));
            var reply = process.StandardOutput.ReadLine();
            var elapsed = clock.Elapsed.TotalMicroseconds;
            Check(reply);
            return elapsed;
        }

        var times = new double[Count + 1];
        for (var i = 1; i <= Count; i++)
        {
            times[i] = Ask(i);
        }

        for (var i = 0; i < 100_000; i++)
        {
            Ask(Count + 1 + i);
        }

        var settled = Enumerable.Range(0, Count).Sum(i => Ask(Count + 100_001 + i)) / Count;
        process.StandardInput.Close();
        process.WaitForExit();
        return [.. Buckets.Select(b => times[b.From..(b.To + 1)].Average()), settled];
    }

    // this thread's CPU time on Linux (clock_gettime); the wall clock elsewhere
    private static partial class ThreadCpu
    {
        private static readonly Stopwatch Fallback = Stopwatch.StartNew();

        public static double Microseconds()
        {
            if (OperatingSystem.IsLinux() && ClockGetTime(3, out var time) == 0)
            {
                return (time.Seconds * 1e6) + (time.Nanoseconds / 1e3);
            }

            return Fallback.Elapsed.TotalMicroseconds;
        }

        [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "clock_gettime")]
        private static partial int ClockGetTime(int clock, out TimeSpec time);

        [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
        private struct TimeSpec
        {
            public long Seconds;
            public long Nanoseconds;
        }
    }
}
