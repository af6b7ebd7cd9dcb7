using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Micrograd.Expressions.Cli.Commands;

/// <summary>
/// The command line's parse errors as mgx prints them: every error, one line each, an unknown command or option
/// named as such with the nearest known names ("did you mean").
/// </summary>
internal static class UsageErrors
{
    public static List<string> Describe(ParseResult result, RootCommand root)
    {
        var command = result.CommandResult.Command;
        var unknown = result.UnmatchedTokens.ToList();
        var lines = new List<string>();
        if (command == root)
        {
            // at the root the only errors are a missing or unknown command; say which, and list the commands
            var commands = root.Subcommands.Select(c => c.Name).ToList();
            // after an unknown command every token is unmatched; only the first is a command
            var name = unknown.FirstOrDefault(t => !t.StartsWith('-'));
            foreach (var token in unknown.Where(t => t.StartsWith('-')))
            {
                lines.Add($"unknown option `{token}`{Spelling.DidYouMean(token, Options(root))}");
            }

            lines.Add(name is null
                ? $"a command is needed: {string.Join(", ", commands)}"
                : $"unknown command `{name}`; the commands are {string.Join(", ", commands)}{Spelling.DidYouMean(name, commands)}");
            return lines;
        }

        foreach (var parseError in result.Errors)
        {
            var message = string.Join(" ", parseError.Message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
            var token = unknown.FirstOrDefault(t => message.Contains($"'{t}'", StringComparison.Ordinal));
            lines.Add(token is not null ? Unknown(command, token)
                : NotANumber(parseError.SymbolResult) is { } number ? number
                : message);
        }

        return lines;
    }

    /// <summary>A token the command does not know: an option (with the nearest known ones) or an extra argument.</summary>
    public static string Unknown(Command command, string token) => token.StartsWith('-')
        ? $"unknown option `{token}` for {command.Name}{Spelling.DidYouMean(token, Options(command))}"
        : $"unexpected argument `{token}` for {command.Name}";

    // a numeric option given text that is not a number, worded without .NET's type names
    private static string? NotANumber(SymbolResult? symbol)
    {
        var option = symbol switch
        {
            OptionResult o => o,
            ArgumentResult { Parent: OptionResult o } => o,
            _ => null,
        };
        var type = option?.Option.ValueType is { } t ? Nullable.GetUnderlyingType(t) ?? t : null;
        Func<string, bool>? ok = type == typeof(double) ? v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            : type == typeof(int) ? v => int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
            : null;
        var kind = type == typeof(int) ? "a whole number" : "a number";
        var bad = ok is null ? null : option!.Tokens.FirstOrDefault(v => !ok(v.Value));
        return bad is null ? null : $"{option!.Option.Name} must be {kind}, not `{bad.Value}`";
    }

    private static IEnumerable<string> Options(Command command) =>
        command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name));
}
