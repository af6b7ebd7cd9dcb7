using System.Reflection;
using System.Reflection.Emit;

namespace Micrograd.Expressions.Tests.Support;

/// <summary>
/// Which methods of an assembly call which: every method body's IL read for its call, callvirt, newobj and ldftn
/// operands, each caller named by its outermost declaring type (a lambda or local function counts for the class it
/// is written in). The "only here" sentences of docs/architecture.md are checked with it.
/// </summary>
internal static class CallSites
{
    private const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<short, int> OperandSizes = OperandSizeTable();

    /// <summary>The outermost types whose methods call a method <paramref name="matches"/> accepts, with the callee's name.</summary>
    public static IReadOnlyList<(string Caller, string Callee)> Calls(Assembly assembly, Func<MethodBase, bool> matches)
    {
        var found = new List<(string, string)>();
        foreach (var type in assembly.GetTypes())
        {
            foreach (var method in type.GetMethods(Everything).Cast<MethodBase>().Concat(type.GetConstructors(Everything)))
            {
                foreach (var callee in Callees(method))
                {
                    if (matches(callee))
                    {
                        found.Add((Outermost(type).Name, $"{callee.DeclaringType?.Name}.{callee.Name}"));
                    }
                }
            }
        }

        return [.. found.Distinct()];
    }

    private static Type Outermost(Type type) => type.DeclaringType is { } outer ? Outermost(outer) : type;

    private static IEnumerable<MethodBase> Callees(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        var generic = (method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null, method.IsGenericMethod ? method.GetGenericArguments() : null);
        for (var at = 0; at < il.Length;)
        {
            short code = il[at] == 0xFE && at + 1 < il.Length ? (short)(0xFE00 | il[at + 1]) : il[at];
            at += code > 0xFF || code < 0 ? 2 : 1;
            if (!OperandSizes.TryGetValue(code, out var size))
            {
                continue;
            }

            if (size == -1)
            {
                // switch: a count, then that many 4-byte targets
                var count = BitConverter.ToInt32(il, at);
                at += 4 + (4 * count);
                continue;
            }

            if (code is 0x28 or 0x6F or 0x73 or unchecked((short)0xFE06) or unchecked((short)0xFE07))
            {
                MethodBase? callee = null;
                try
                {
                    callee = method.Module.ResolveMethod(BitConverter.ToInt32(il, at), generic.Item1, generic.Item2);
                }
                catch (ArgumentException)
                {
                }

                if (callee is not null)
                {
                    yield return callee;
                }
            }

            at += size;
        }
    }

    private static Dictionary<short, int> OperandSizeTable()
    {
        var sizes = new Dictionary<short, int>();
        foreach (var field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var op = (OpCode)field.GetValue(null)!;
            sizes[op.Value] = op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => -1,
                _ => 4,
            };
        }

        return sizes;
    }
}
