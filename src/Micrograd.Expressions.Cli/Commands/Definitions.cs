using System.CommandLine;
using Micrograd.Expressions.Cli.Operations;

namespace Micrograd.Expressions.Cli.Commands;

/// <summary>
/// Host functions and constants for the commands and the batch protocol: <c>--define "softplus(x) = log(1 + exp(x))"</c>
/// and <c>--constant g=9.80665</c> (both repeatable), read into a <see cref="FormulaContext"/>.
/// </summary>
internal sealed class Definitions
{
    private readonly Option<string[]> define = new("--define")
    {
        Description = "A function for the formula, as \"name(x, y) = formula\" (repeatable; later ones may call earlier ones).",
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<string[]> constant = new("--constant")
    {
        Description = "A named constant for the formula, as name=value (repeatable; value: a number or a constant formula).",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Adds <c>--define</c> and <c>--constant</c> to a command.</summary>
    public static Definitions AddTo(Command command)
    {
        var definitions = new Definitions();
        command.Options.Add(definitions.define);
        command.Options.Add(definitions.constant);
        return definitions;
    }

    /// <summary>The context the command's options describe: the built-in table plus the constants, then the functions.</summary>
    public FormulaContext Read(ParseResult result) =>
        Ops.Define(FormulaContext.Default, result.GetValue(define) ?? [], Constants(result.GetValue(constant) ?? []));

    // name=value items in order, duplicates kept so that the context refuses them
    private static IEnumerable<KeyValuePair<string, double>> Constants(IEnumerable<string> items) =>
        Values.Pairs(items, item => new RequestException($"--constant must be name=value, as in g=9.80665, not `{item}`"));
}
