using System.Collections.Concurrent;

namespace Micrograd.Expressions.Compilation;

/// <summary>
/// Compiled delegates shared between formulas with the same canonical text and parameter order, so an
/// application that parses the same formula string again does not compile it again. Bounded: past
/// <see cref="Capacity"/> entries, the least recently used tenth is dropped. Thread-safe.
/// </summary>
internal static class CompileCache
{
    public const int Capacity = 1024;

    // formulas longer than this are compiled without caching: their key would cost more than it saves
    private const int MaxKeyLength = 4096;

    private static readonly ConcurrentDictionary<string, Entry> Entries = new(StringComparer.Ordinal);
    private static long clock;

    private sealed class Entry(Lazy<Func<double[], double>> compiled)
    {
        public Lazy<Func<double[], double>> Compiled { get; } = compiled;

        public long LastUse;
    }

    public static Func<double[], double> GetOrCompile(string canonical, IReadOnlyList<string> parameters, Func<Func<double[], double>> compile)
    {
        if (canonical.Length > MaxKeyLength)
        {
            return compile();
        }

        var key = $"{string.Join(",", parameters)}|{canonical}";
        var entry = Entries.GetOrAdd(key, _ => new Entry(new Lazy<Func<double[], double>>(compile, LazyThreadSafetyMode.ExecutionAndPublication)));
        Interlocked.Exchange(ref entry.LastUse, Interlocked.Increment(ref clock));
        if (Entries.Count > Capacity)
        {
            Evict();
        }

        return entry.Compiled.Value;
    }

    private static void Evict()
    {
        foreach (var (key, _) in Entries.OrderBy(kv => Interlocked.Read(ref kv.Value.LastUse)).Take(Capacity / 10).ToList())
        {
            Entries.TryRemove(key, out _);
        }
    }
}
