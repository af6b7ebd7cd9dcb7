namespace Micrograd.Expressions.Calculus;

/// <summary>How a finite difference approximates a derivative.</summary>
public enum DifferenceMethod
{
    /// <summary><c>(f(x + h) - f(x)) / h</c>: the seed's rise over run; error O(h).</summary>
    Forward,

    /// <summary><c>(f(x) - f(x - h)) / h</c>; error O(h).</summary>
    Backward,

    /// <summary><c>(f(x + h) - f(x - h)) / 2h</c>; error O(h²).</summary>
    Central,

    /// <summary>Richardson extrapolation of central differences at h, h/2, h/4; error O(h⁶).</summary>
    Richardson,
}

/// <summary>A numeric derivative with what is known about its accuracy.</summary>
/// <param name="Value">The estimate.</param>
/// <param name="Error">Estimated absolute error (truncation plus rounding, or Richardson's own estimate).</param>
/// <param name="Step">The step actually used, <c>(x + h) - x</c>, which can differ from the requested h.</param>
/// <param name="Artifact">Why the value is not a slope (a floating-point precision artifact), or null when it is one.</param>
public readonly record struct NumericDerivative(double Value, double Error, double Step, string? Artifact)
{
    /// <summary>True when the value is a slope and not a precision artifact.</summary>
    public bool IsReliable => Artifact is null && double.IsFinite(Value);
}

/// <summary>
/// Finite differences for any function of several inputs (compiled formulas or user delegates): the seed's
/// bump-one-input method, with the error-optimal step by default and precision artifacts flagged instead of
/// returned as slopes.
/// </summary>
public static class FiniteDifferences
{
    /// <summary>The default step for a method at a point: about sqrt(eps)·max(1, |x|) one-sided, cbrt(eps)·max(1, |x|) central, eps^(1/7)·max(1, |x|) for Richardson.</summary>
    /// <param name="method">The method.</param>
    /// <param name="x">The coordinate being bumped.</param>
    /// <returns>The step before rounding to a representable one.</returns>
    public static double DefaultStep(DifferenceMethod method, double x)
    {
        var scale = Math.Max(1.0, Math.Abs(x));
        return method switch
        {
            DifferenceMethod.Forward or DifferenceMethod.Backward => Math.Sqrt(Eps) * scale,
            DifferenceMethod.Central => Math.Cbrt(Eps) * scale,
            _ => Math.Pow(Eps, 1.0 / 7.0) * scale,
        };
    }

    /// <summary>Machine epsilon for double: 2^-52.</summary>
    internal const double Eps = 2.220446049250313e-16;

    /// <summary>True for a step a finite difference can take: a positive finite number.</summary>
    /// <param name="h">The step.</param>
    /// <returns>Whether <paramref name="h"/> is usable.</returns>
    public static bool IsValidStep(double h) => h > 0 && double.IsFinite(h);

    /// <summary>The partial derivative of <paramref name="f"/> with respect to input <paramref name="index"/> at <paramref name="point"/>.</summary>
    /// <param name="f">The function; it is called with copies of the point, never with the caller's array.</param>
    /// <param name="point">Where to differentiate.</param>
    /// <param name="index">Which input to bump.</param>
    /// <param name="method">The difference formula.</param>
    /// <param name="h">
    /// The step, used as given (so <c>(f(x + h) - f(x)) / h</c> is the seed's number exactly); when null, the
    /// default step of the method, rounded so that <c>(x + h) - x == h</c>.
    /// </param>
    /// <returns>The estimate with its error and any precision artifact.</returns>
    public static NumericDerivative Partial(Func<double[], double> f, IReadOnlyList<double> point, int index,
        DifferenceMethod method = DifferenceMethod.Central, double? h = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(point);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, point.Count);
        var x = point[index];
        if (h is { } given && !IsValidStep(given))
        {
            throw new ArgumentOutOfRangeException(nameof(h), given, "the step must be a positive finite number");
        }

        var buffer = point.ToArray();
        double At(double xi)
        {
            buffer[index] = xi;
            var y = f(buffer);
            buffer[index] = x;
            return y;
        }

        var fx = At(x);
        return method == DifferenceMethod.Richardson
            ? Richardson(At, x, fx, h ?? DefaultStep(method, x))
            : Simple(At, method, x, fx, h);
    }

    /// <summary>Every partial derivative at a point, in input order.</summary>
    /// <param name="f">The function.</param>
    /// <param name="point">Where to differentiate.</param>
    /// <param name="method">The difference formula.</param>
    /// <param name="h">The step; the default step per input when null.</param>
    /// <returns>One estimate per input.</returns>
    public static NumericDerivative[] Gradient(Func<double[], double> f, IReadOnlyList<double> point,
        DifferenceMethod method = DifferenceMethod.Central, double? h = null)
    {
        ArgumentNullException.ThrowIfNull(point);
        return [.. Enumerable.Range(0, point.Count).Select(i => Partial(f, point, i, method, h))];
    }

    /// <summary>The second derivative with respect to one input: <c>(f(x+h) - 2f(x) + f(x-h)) / h²</c> with h ≈ eps^(1/4)·max(1, |x|).</summary>
    /// <param name="f">The function.</param>
    /// <param name="point">Where to differentiate.</param>
    /// <param name="index">Which input.</param>
    /// <param name="h">The step; about eps^(1/4)·max(1, |x|) when null.</param>
    /// <returns>The estimate with its error.</returns>
    public static NumericDerivative Second(Func<double[], double> f, IReadOnlyList<double> point, int index, double? h = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(point);
        var x = point[index];
        var buffer = point.ToArray();
        double At(double xi)
        {
            buffer[index] = xi;
            return f(buffer);
        }

        var step = Representable(x, h ?? (Math.Pow(Eps, 0.25) * Math.Max(1.0, Math.Abs(x))));
        if (step == 0)
        {
            return new NumericDerivative(double.NaN, double.PositiveInfinity, 0, ArtifactStepTooSmall(x));
        }

        var (plus, mid, minus) = (At(x + step), At(x), At(x - step));
        var value = (plus - (2 * mid) + minus) / (step * step);
        var rounding = 4 * Eps * (Math.Abs(plus) + Math.Abs(mid) + Math.Abs(minus)) / (step * step);
        var half = Representable(x, step / 2);
        var coarse = half == 0 ? value : (At(x + half) - (2 * mid) + At(x - half)) / (half * half);
        return new NumericDerivative(value, Math.Abs(value - coarse) + rounding, step, Check(value, plus - minus, mid, rounding));
    }

    // a given step is used as it is (the seed divides by h itself); the default step is rounded to one
    // that x + h represents exactly
    private static NumericDerivative Simple(Func<double, double> at, DifferenceMethod method, double x, double fx, double? given)
    {
        var step = given ?? Representable(x, DefaultStep(method, x));

        double Estimate(double s) => method switch
        {
            DifferenceMethod.Forward => (at(x + s) - fx) / s,
            DifferenceMethod.Backward => (fx - at(x - s)) / s,
            _ => (at(x + s) - at(x - s)) / (2 * s),
        };

        var rise = method switch
        {
            DifferenceMethod.Forward => at(x + step) - fx,
            DifferenceMethod.Backward => fx - at(x - step),
            _ => at(x + step) - at(x - step),
        };
        var value = method == DifferenceMethod.Central ? rise / (2 * step) : rise / step;

        // truncation: the change when the step doubles (O(h) methods change by ~the error, O(h²) by ~3 times it)
        var doubled = Representable(x, 2 * step);
        var truncation = Math.Abs(Estimate(doubled) - value) / (method == DifferenceMethod.Central ? 3 : 1);
        var rounding = 2 * Eps * Math.Max(Math.Abs(fx), Math.Abs(rise)) / step;
        // x + h rounding back to x makes the rise exactly 0.0: the seed's precision artifact
        var artifact = Representable(x, step) == 0 ? ArtifactStepTooSmall(x) : Check(value, rise, fx, rounding);
        if (artifact is null && rise == 0 && Estimate(Representable(x, Math.Max(step * 1e4, DefaultStep(method, x)))) != 0)
        {
            artifact = $"f(x + h) - f(x) is exactly 0.0 at h = {Syntax.NumberText.Format(step)}: the step is below the precision of f near this point";
        }

        return new NumericDerivative(value, truncation + rounding, step, artifact);
    }

    private static NumericDerivative Richardson(Func<double, double> at, double x, double fx, double requested)
    {
        const int levels = 3;
        var table = new double[levels];
        var steps = new double[levels];
        var step = Representable(x, requested);
        if (step == 0)
        {
            return new NumericDerivative(double.NaN, double.PositiveInfinity, 0, ArtifactStepTooSmall(x));
        }

        double rounding = 0;
        for (var i = 0; i < levels; i++)
        {
            var s = Representable(x, step / Math.Pow(2, i));
            steps[i] = s;
            var (plus, minus) = (at(x + s), at(x - s));
            table[i] = (plus - minus) / (2 * s);
            rounding = Math.Max(rounding, Eps * (Math.Abs(plus) + Math.Abs(minus) + Math.Abs(fx)) / s);
        }

        // Neville tableau: column k removes the h^(2k) term
        var previousBest = table[levels - 1];
        for (var k = 1; k < levels; k++)
        {
            var factor = Math.Pow(4, k);
            for (var i = levels - 1; i >= k; i--)
            {
                table[i] = ((factor * table[i]) - table[i - 1]) / (factor - 1);
            }

            if (k == levels - 2)
            {
                previousBest = table[levels - 1];
            }
        }

        var value = table[levels - 1];
        var error = Math.Abs(value - previousBest) + (4 * rounding);
        return new NumericDerivative(value, error, steps[0], Check(value, value, fx, rounding));
    }

    private static string? Check(double value, double rise, double fx, double rounding)
    {
        if (!double.IsFinite(value) || !double.IsFinite(fx))
        {
            return "f is not finite at or next to the point";
        }

        return rise != 0 && rounding > 0.5 * Math.Abs(value)
            ? "the difference is dominated by rounding: the step is too small for the size of f here"
            : null;
    }

    // the step actually taken after rounding x + h; 0 when x + h == x
    private static double Representable(double x, double h) => (x + h) - x;

    private static string ArtifactStepTooSmall(double x) =>
        $"x + h == x in floating point at x = {Syntax.NumberText.Format(x)}: the step is below the resolution of x, so the difference is exactly 0.0";
}
