using System.Globalization;

namespace Micrograd.Expressions.Syntax;

/// <summary>
/// The one number format of the engine, independent of the current culture: the shortest digits that
/// round-trip (as .NET's "R"), laid out like Python's <c>repr</c> — positional for exponents from -4 to 15,
/// otherwise <c>d.ddde±XX</c> — except that integral values print without <c>.0</c> (<c>20</c>, not <c>20.0</c>).
/// Non-finite values are <c>NaN</c>, <c>Infinity</c> and <c>-Infinity</c>.
/// </summary>
public static class NumberText
{
    /// <summary>Formats a double as described on the class.</summary>
    /// <param name="value">Any double.</param>
    /// <returns>Text that <see cref="double.Parse(string, IFormatProvider)"/> with the invariant culture reads back to the same bits (for finite values).</returns>
    public static string Format(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }

        if (value == 0)
        {
            return double.IsNegative(value) ? "-0" : "0";
        }

        var r = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var (digits, exponent) = Decompose(r);
        var sign = value < 0 ? "-" : "";
        if (exponent is >= -4 and < 16)
        {
            if (exponent < 0)
            {
                return $"{sign}0.{new string('0', -exponent - 1)}{digits}";
            }

            if (digits.Length <= exponent + 1)
            {
                return sign + digits + new string('0', exponent + 1 - digits.Length);
            }

            return $"{sign}{digits[..(exponent + 1)]}.{digits[(exponent + 1)..]}";
        }

        var mantissa = digits.Length == 1 ? digits : $"{digits[0]}.{digits[1..]}";
        var expSign = exponent < 0 ? "-" : "+";
        return $"{sign}{mantissa}e{expSign}{Math.Abs(exponent):00}";
    }

    // "1.2345E-06" or "0.00123" or "1234.5" -> significant digits and the decimal exponent of the first one
    private static (string Digits, int Exponent) Decompose(string r)
    {
        var e = r.IndexOfAny(['E', 'e']);
        var exponent = 0;
        var mantissa = r;
        if (e >= 0)
        {
            exponent = int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            mantissa = r[..e];
        }

        var point = mantissa.IndexOf('.');
        var integerPart = point >= 0 ? mantissa[..point] : mantissa;
        var fraction = point >= 0 ? mantissa[(point + 1)..] : "";
        var all = integerPart + fraction;
        var firstNonZero = all.TakeWhile(c => c == '0').Count();
        var digits = all[firstNonZero..].TrimEnd('0');
        exponent += integerPart.Length - 1 - firstNonZero;
        return (digits.Length == 0 ? "0" : digits, exponent);
    }
}
