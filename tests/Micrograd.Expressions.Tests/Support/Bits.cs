namespace Micrograd.Expressions.Tests.Support;

/// <summary>Bit-for-bit comparison of doubles, the one used wherever a test promises "the same bits".</summary>
internal static class Bits
{
    /// <summary>The same double: equal bits (so -0.0 is not 0.0), or both NaN (whose payloads no target promises).</summary>
    public static bool Same(double expected, double actual) =>
        BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(actual) || (double.IsNaN(expected) && double.IsNaN(actual));

    /// <summary>A double with its bits, for messages: -0 is not 0.</summary>
    public static string Show(double value) =>
        FormattableString.Invariant($"{value:R} (0x{BitConverter.DoubleToInt64Bits(value):X16})");
}
