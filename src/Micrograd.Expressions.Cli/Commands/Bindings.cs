using System.CommandLine;
using System.Globalization;
using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions.Cli.Commands;

/// <summary>Reads <c>name=value</c> arguments; a value is a number or a constant formula such as <c>2/3</c> or <c>pi/2</c>.</summary>
internal static class Bindings
{
    /// <summary>The formula argument every command takes first.</summary>
    public static Argument<string> FormulaArgument(string example = "3*x**2 - 4*x + 5") =>
        new("formula") { Description = $"The formula, e.g. \"{example}\"." };

    /// <summary>The name=value arguments after the formula.</summary>
    public static Argument<string[]> Argument(string description = "Parameter values as name=value (value: a number or a constant formula such as 2/3).") =>
        new("bindings") { Description = description, Arity = ArgumentArity.ZeroOrMore };

    public static Dictionary<string, double> Read(IEnumerable<string> items)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var eq = item.IndexOf('=');
            if (eq <= 0)
            {
                throw new FormulaException(FormulaErrorKind.Name, $"expected name=value, got `{item}`");
            }

            var name = item[..eq].Trim();
            values[name] = Value(name, item[(eq + 1)..]);
        }

        return values;
    }

    public static double Value(string name, string text)
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
}
