using System.Globalization;
using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions.Cli.Operations;

/// <summary>
/// Values given as text, by the commands' <c>name=value</c> arguments and the batch protocol's strings alike: a
/// number, or a constant formula such as <c>2/3</c> or <c>pi/2</c>.
/// </summary>
internal static class Values
{
    /// <summary>The value of <paramref name="text"/>, given for <paramref name="name"/> (named in errors).</summary>
    public static double Of(string name, string text)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        if (!Formula.TryParse(text, out var formula, out var error))
        {
            throw new FormulaException(FormulaErrorKind.Syntax, $"the value of `{name}` is not a number: {error.Reason}");
        }

        if (formula.Parameters.Count > 0)
        {
            throw new FormulaException(FormulaErrorKind.Name,
                $"the value of `{name}` must be a number or a constant expression, but uses {string.Join(", ", formula.Parameters)}");
        }

        return formula.Evaluate();
    }

    /// <summary>name=value items in order, repeated names included; an item without a name and <c>=</c> is <paramref name="malformed"/>'s error.</summary>
    public static IEnumerable<KeyValuePair<string, double>> Pairs(IEnumerable<string> items, Func<string, Exception> malformed)
    {
        foreach (var item in items)
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw malformed(item);
            }

            var name = item[..eq].Trim();
            yield return KeyValuePair.Create(name, Of(name, item[(eq + 1)..]));
        }
    }

    /// <summary>A number as the messages show it (round-trip text, NaN and Infinity by name).</summary>
    public static string Describe(double value) => NumberText.Format(value);
}
