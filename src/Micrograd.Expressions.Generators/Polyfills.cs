using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

// The members of newer frameworks that the engine's linked sources call, written for netstandard2.0 (extension
// members, so that the engine's sources compile here unchanged). Each computes what the framework's member does.
namespace Micrograd.Expressions.Generators.Polyfill
{
    internal static class Polyfills
    {
        extension(double)
        {
            public static bool IsNegative(double d) => BitConverter.DoubleToInt64Bits(d) < 0;

            public static bool IsFinite(double d) => !double.IsNaN(d) && !double.IsInfinity(d);

            public static double Parse(ReadOnlySpan<char> s, NumberStyles style, IFormatProvider provider) =>
                double.Parse(s.ToString(), style, provider);
        }


        extension(char)
        {
            public static bool IsAsciiDigit(char c) => c is >= '0' and <= '9';

            public static bool IsAsciiHexDigit(char c) => c is >= '0' and <= '9' or >= 'a' and <= 'f' or >= 'A' and <= 'F';
        }

        extension(ArgumentNullException)
        {
            public static void ThrowIfNull(object? argument, [CallerArgumentExpression(nameof(argument))] string? name = null)
            {
                if (argument is null)
                {
                    throw new ArgumentNullException(name);
                }
            }
        }

        extension(RuntimeHelpers)
        {
            public static bool TryEnsureSufficientExecutionStack()
            {
                try
                {
                    RuntimeHelpers.EnsureSufficientExecutionStack();
                    return true;
                }
                catch (InsufficientExecutionStackException)
                {
                    return false;
                }
            }
        }

        // the work budget's clock: the runtime's count of bytes this thread allocated where the host has it
        // (every .NET Core host), else none (the budget of nodes still bounds every result)
        private static readonly Func<long>? AllocatedBytes = (Func<long>?)typeof(GC)
            .GetMethod("GetAllocatedBytesForCurrentThread", BindingFlags.Public | BindingFlags.Static, null, Type.EmptyTypes, null)
            ?.CreateDelegate(typeof(Func<long>));

        extension(GC)
        {
            public static long GetAllocatedBytesForCurrentThread() => AllocatedBytes?.Invoke() ?? 0;
        }

        // the runtime's own cube root where the compiler runs on .NET (Core), so that a folded constant has the
        // engine's bits; on a host without it (.NET Framework) the real cube root through Pow, with its sign
        private static readonly Func<double, double> CubeRoot = (Func<double, double>?)typeof(Math)
            .GetMethod("Cbrt", BindingFlags.Public | BindingFlags.Static, null, [typeof(double)], null)
            ?.CreateDelegate(typeof(Func<double, double>))
            ?? (x => x < 0 ? -Math.Pow(-x, 1.0 / 3) : Math.Pow(x, 1.0 / 3));

        // the same for the binary logarithm (.NET Core 3.0 and later); else the natural logarithm over ln 2
        private static readonly Func<double, double> BinaryLog = (Func<double, double>?)typeof(Math)
            .GetMethod("Log2", BindingFlags.Public | BindingFlags.Static, null, [typeof(double)], null)
            ?.CreateDelegate(typeof(Func<double, double>))
            ?? (x => Math.Log(x) / 0.6931471805599453);

        extension(Math)
        {
            public static double Cbrt(double x) => CubeRoot(x);

            public static double Log2(double x) => BinaryLog(x);
        }

        extension(Delegate d)
        {
            public bool HasSingleTarget => d.GetInvocationList().Length == 1;
        }

        public static TValue? GetValueOrDefault<TKey, TValue>(this Dictionary<TKey, TValue> dictionary, TKey key)
            where TKey : notnull => dictionary.TryGetValue(key, out var value) ? value : default;

        public static TValue GetValueOrDefault<TKey, TValue>(this Dictionary<TKey, TValue> dictionary, TKey key, TValue fallback)
            where TKey : notnull => dictionary.TryGetValue(key, out var value) ? value : fallback;

        public static void Deconstruct<TKey, TValue>(this KeyValuePair<TKey, TValue> pair, out TKey key, out TValue value)
        {
            key = pair.Key;
            value = pair.Value;
        }

        public static bool TryPop<T>(this Stack<T> stack, out T result)
        {
            if (stack.Count == 0)
            {
                result = default!;
                return false;
            }

            result = stack.Pop();
            return true;
        }

        public static HashSet<T> ToHashSet<T>(this IEnumerable<T> source) => new(source);

        public static IOrderedEnumerable<T> Order<T>(this IEnumerable<T> source, IComparer<T> comparer) => source.OrderBy(x => x, comparer);

        public static Dictionary<TKey, TValue> ToDictionary<TKey, TValue>(this IEnumerable<KeyValuePair<TKey, TValue>> source, IEqualityComparer<TKey> comparer)
            where TKey : notnull => source.ToDictionary(kv => kv.Key, kv => kv.Value, comparer);

        public static Dictionary<TKey, TValue> ToDictionary<TKey, TValue>(this IEnumerable<(TKey Key, TValue Value)> source, IEqualityComparer<TKey> comparer)
            where TKey : notnull => source.ToDictionary(kv => kv.Key, kv => kv.Value, comparer);

        public static StringBuilder AppendJoin<T>(this StringBuilder sb, char separator, IEnumerable<T> values) =>
            sb.Append(string.Join(separator.ToString(), values));

        public static string Replace(this string s, string oldValue, string newValue, StringComparison comparison) =>
            comparison == StringComparison.Ordinal ? s.Replace(oldValue, newValue) : throw new NotSupportedException();

        public static string[] Split(this string s, string separator) => s.Split([separator], StringSplitOptions.None);

        public static bool EndsWith(this string s, char c) => s.Length > 0 && s[s.Length - 1] == c;

        public static bool StartsWith(this string s, char c) => s.Length > 0 && s[0] == c;

        public static int Count(this ReadOnlySpan<char> span, char c)
        {
            var n = 0;
            foreach (var x in span)
            {
                n += x == c ? 1 : 0;
            }

            return n;
        }

        public static void AddOrUpdate<TKey, TValue>(this ConditionalWeakTable<TKey, TValue> table, TKey key, TValue value)
            where TKey : class where TValue : class
        {
            table.Remove(key);
            table.Add(key, value);
        }
    }
}

namespace Micrograd.Expressions.Generators.Polyfill
{
    // apart from Polyfills: its double.Parse has the same parameters
    internal static class IntPolyfills
    {
        extension(int)
        {
            public static int Parse(ReadOnlySpan<char> s, NumberStyles style, IFormatProvider provider) =>
                int.Parse(s.ToString(), style, provider);
        }
    }
}

namespace System.Collections.Generic
{
    internal static class KeyValuePair
    {
        public static KeyValuePair<TKey, TValue> Create<TKey, TValue>(TKey key, TValue value) => new(key, value);
    }

    internal sealed class ReferenceEqualityComparer : IEqualityComparer<object?>
    {
        public static ReferenceEqualityComparer Instance { get; } = new();

        public new bool Equals(object? x, object? y) => ReferenceEquals(x, y);

        public int GetHashCode(object? o) => RuntimeHelpers.GetHashCode(o!);
    }
}

namespace System
{
    internal struct HashCode
    {
        private int hash;

        public void Add<T>(T value) => hash = unchecked((hash * 31) + (value?.GetHashCode() ?? 0));

        public readonly int ToHashCode() => hash;

        public static int Combine<T1, T2>(T1 a, T2 b)
        {
            var h = default(HashCode);
            h.Add(a);
            h.Add(b);
            return h.ToHashCode();
        }

        public static int Combine<T1, T2, T3>(T1 a, T2 b, T3 c)
        {
            var h = default(HashCode);
            h.Add(a);
            h.Add(b);
            h.Add(c);
            return h.ToHashCode();
        }
    }
}

namespace System.Diagnostics.CodeAnalysis
{
    // the engine's trimming annotations, read by the trimmer only
    [AttributeUsage(AttributeTargets.All, Inherited = false, AllowMultiple = true)]
    internal sealed class UnconditionalSuppressMessageAttribute(string category, string checkId) : Attribute
    {
        public string Category { get; } = category;

        public string CheckId { get; } = checkId;

        public string? Justification { get; set; }
    }
}

namespace System.Runtime.CompilerServices
{
    // the generator writes a formula as one C# method: the lowering where no code is generated at run time, whose
    // large formulas are not cut into methods compiled as delegates (Locals.Block); the statements are the same, in
    // the same order, so the same bits as Compile() under a JIT
    internal static class RuntimeFeature
    {
        public static bool IsDynamicCodeSupported => false;
    }
}

namespace System.Runtime.InteropServices
{
    internal static class CollectionsMarshal
    {
        // a copy where the framework gives a view of the list's array: the engine's sources only read it
        public static Span<T> AsSpan<T>(List<T>? list) => list is null ? default : list.ToArray();
    }
}
