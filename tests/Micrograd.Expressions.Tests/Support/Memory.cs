namespace Micrograd.Expressions.Tests.Support;

/// <summary>
/// How much memory one piece of work takes: the working set sampled while it runs, above what it was when the work
/// began (after a full collection), so the answer is the work's own and not what earlier tests left behind.
/// </summary>
internal static class Memory
{
    /// <summary>Runs <paramref name="work"/> and returns the largest working-set growth seen while it ran, in bytes.</summary>
    public static long PeakGrowth(Action work)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var baseline = Environment.WorkingSet;
        var sampled = baseline;
        using var done = new ManualResetEventSlim();
        var sampler = new Thread(() =>
        {
            while (!done.Wait(5))
            {
                sampled = Math.Max(sampled, Environment.WorkingSet);
            }
        })
        { IsBackground = true };
        sampler.Start();
        try
        {
            work();
        }
        finally
        {
            done.Set();
            sampler.Join();
        }

        return Math.Max(sampled, Environment.WorkingSet) - baseline;
    }
}
