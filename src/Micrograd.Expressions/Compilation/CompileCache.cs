using System.Collections.Concurrent;
using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions.Compilation;

/// <summary>
/// Compiled delegates shared between formulas with equal trees and the same parameter order, so an
/// application that parses the same formula string again does not compile it again. Keyed by the tree itself
/// (structural equality, which tells every number apart, infinities and NaN included), never by text. Bounded:
/// past <see cref="Capacity"/> entries, the least recently used tenth is dropped. Thread-safe.
/// </summary>
internal static class CompileCache
{
    public const int Capacity = 1024;

    // formulas with more nodes than this, defined functions' bodies included, are compiled without caching:
    // keeping them alive would cost more than it saves
    private const int MaxKeyNodes = 2048;

    private static readonly ConcurrentDictionary<(string Parameters, Expr Tree), Entry> Entries = new();
    private static long clock;

    private sealed class Entry(Lazy<Func<double[], double>> compiled)
    {
        public Lazy<Func<double[], double>> Compiled { get; } = compiled;

        public long LastUse;
    }

    public static Func<double[], double> GetOrCompile(Expr tree, IReadOnlyList<string> parameters, Func<Func<double[], double>> compile)
    {
        // what a key keeps alive: its nodes and the bodies of the defined functions it calls (their rows hold
        // the bodies, derivatives and delegates)
        if (Budget.WrittenOut(tree, MaxKeyNodes) > MaxKeyNodes)
        {
            return compile();
        }

        var key = (string.Join(",", parameters), tree);
        var entry = Entries.GetOrAdd(key, _ => new Entry(new Lazy<Func<double[], double>>(compile, LazyThreadSafetyMode.ExecutionAndPublication)));
        Interlocked.Exchange(ref entry.LastUse, Interlocked.Increment(ref clock));
        if (Entries.Count > Capacity)
        {
            Evict();
        }

        return entry.Compiled.Value;
    }

    /// <summary>True when the cache holds a delegate for the tree and parameter order.</summary>
    internal static bool Holds(Expr tree, IReadOnlyList<string> parameters) => Entries.ContainsKey((string.Join(",", parameters), tree));

    private static void Evict()
    {
        // ToArray is the dictionary's own atomic snapshot: enumerating it through LINQ reads its count and then
        // copies, and an eviction on another thread in between leaves empty entries
        foreach (var (key, _) in Entries.ToArray().OrderBy(kv => Interlocked.Read(ref kv.Value.LastUse)).Take(Capacity / 10).ToList())
        {
            Entries.TryRemove(key, out _);
        }
    }
}
