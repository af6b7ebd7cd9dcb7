using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Micrograd.Expressions.Cli.Operations;
using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions.Cli.Commands;

/// <summary>Reads <c>name=value</c> arguments; a value is a number or a constant formula such as <c>2/3</c> or <c>pi/2</c>.</summary>
internal static class Bindings
{
    /// <summary>The formula argument every command takes first.</summary>
    public static Argument<string> FormulaArgument(string example = "3*x**2 - 4*x + 5") =>
        new("formula") { Description = $"The formula, e.g. \"{example}\"." };

    /// <summary>The name=value arguments after the formula.</summary>
    public static Argument<string[]> Argument(string description = "Parameter values as name=value (value: a number or a constant formula such as 2/3).")
    {
        var argument = new Argument<string[]>("bindings") { Description = description, Arity = ArgumentArity.ZeroOrMore };

        // a name never starts with '-', so such a token is an option the command does not have (a usage error)
        argument.Validators.Add(r =>
        {
            foreach (var token in r.Tokens.Where(t => t.Value.StartsWith('-')))
            {
                r.AddError(UsageErrors.Unknown(((CommandResult)r.Parent!).Command, token.Value));
            }
        });
        return argument;
    }

    /// <summary>
    /// Adds a check of an option's value: a value that fails it is a usage error naming the option. A value
    /// that does not even parse is left to the parser's own error.
    /// </summary>
    public static TOption Require<TOption, T>(this TOption option, Func<T, bool> ok, string requirement)
        where TOption : Option<T>
    {
        option.Validators.Add(r =>
        {
            T value;
            try
            {
                value = r.GetValueOrDefault<T>();
            }
            catch (InvalidOperationException)
            {
                return;
            }

            if (!ok(value))
            {
                r.AddError($"{option.Name} must be {requirement}, not {Text(value)}.");
            }
        });
        return option;
    }

    private static string Text<T>(T value) => value switch
    {
        double d => NumberText.Format(d),
        null => "nothing",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    public static Dictionary<string, double> Read(IEnumerable<string> items)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, value) in Values.Pairs(items, item => new FormulaException(FormulaErrorKind.Name, $"expected name=value, got `{item}`")))
        {
            values[name] = value;
        }

        return values;
    }
}
