using Spectre.Console;
using Spectre.Console.Rendering;

namespace Micrograd.Expressions.Cli.Commands;

/// <summary>Spectre.Console over the command's streams: plain text when redirected, wide enough not to wrap numbers.</summary>
internal static class Terminal
{
    public static IAnsiConsole For(TextWriter writer, bool isTerminal)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = isTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = isTerminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!isTerminal)
        {
            console.Profile.Width = 400;
        }

        return console;
    }

    /// <summary>Writes a table (or any renderable) as plain lines without the padding Spectre adds around it.</summary>
    public static void Write(TextWriter writer, IRenderable renderable)
    {
        using var buffer = new StringWriter();
        For(buffer, isTerminal: false).Write(renderable);
        var lines = buffer.ToString().Split('\n').Select(l => l.TrimEnd()).ToList();
        foreach (var line in lines.SkipWhile(string.IsNullOrEmpty).Reverse().SkipWhile(string.IsNullOrEmpty).Reverse())
        {
            writer.WriteLine(line);
        }
    }

    public static bool IsStderr(TextWriter writer) => ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected;

    public static bool IsStdout(TextWriter writer) => ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;
}
