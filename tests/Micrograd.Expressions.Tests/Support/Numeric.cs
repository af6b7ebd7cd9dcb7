using Micrograd.Expressions.Calculus;

namespace Micrograd.Expressions.Tests.Support;

/// <summary>Cross-checks a symbolic value against a Richardson finite difference.</summary>
internal static class Numeric
{
    /// <summary>
    /// True when the numeric estimate is trustworthy here (finite, no artifact, small error estimate), so a
    /// comparison means something; points at kinks or outside a domain are skipped by callers.
    /// </summary>
    public static bool TryRichardson(Func<double[], double> f, double[] point, int index, out NumericDerivative numeric)
    {
        numeric = FiniteDifferences.Partial(f, point, index, DifferenceMethod.Richardson);
        return numeric.IsReliable && numeric.Error <= 1e-7 * Math.Max(1, Math.Abs(numeric.Value));
    }

    public static bool Agree(double symbolic, NumericDerivative numeric) =>
        Math.Abs(symbolic - numeric.Value) <= (1e-6 * Math.Max(1, Math.Abs(numeric.Value))) + (10 * numeric.Error);
}

/// <summary>Tolerant comparison that treats NaN as equal to NaN and infinities by sign.</summary>
internal static class Close
{
    public static bool Enough(double expected, double actual, double relative) =>
        (double.IsNaN(expected) && double.IsNaN(actual))
        || expected.Equals(actual)
        || (double.IsFinite(expected) && Math.Abs(expected - actual) <= relative * Math.Max(1, Math.Abs(expected)));
}
