using Micrograd.Expressions.Cli.Operations;

namespace Micrograd.Expressions.Cli.Commands;

/// <summary>A command-line argument that is not acceptable: one <c>mgx:</c> line and exit code 2.</summary>
/// <param name="message">What is wrong and what is accepted.</param>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>A command that could not do its work for a reason outside the formula (a tool it runs failed): exit code 1.</summary>
/// <param name="message">What failed.</param>
internal sealed class CommandException(string message) : Exception(message);

/// <summary>
/// Turns every error of a command into the text and exit code a command-line user sees: one <c>mgx:</c> line
/// on standard error, exit code 2 for a bad argument and 1 for a failure (bad formula, unwritable file, limit,
/// a check that disagrees).
/// Never a stack trace.
/// </summary>
internal static class Report
{
    /// <summary>The exit code of a failure.</summary>
    public const int Failed = 1;

    /// <summary>The exit code of a usage error.</summary>
    public const int Usage = 2;

    public static int Run(ConsoleIO io, Action action) => Run(io, () =>
    {
        action();
        return 0;
    });

    /// <summary>Runs a command whose outcome decides its exit code (<c>check</c>: 1 when a derivative disagrees).</summary>
    public static int Run(ConsoleIO io, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (UsageException e)
        {
            io.Error.WriteLine($"mgx: {e.Message}");
            return Usage;
        }
        catch (CommandException e)
        {
            io.Error.WriteLine($"mgx: {e.Message}");
            return Failed;
        }
        catch (FormulaSyntaxException e)
        {
            io.Error.WriteLine($"mgx: {e.Describe()}");
            return Failed;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            io.Error.WriteLine($"mgx: cannot write the output: {e.Message}");
            return Failed;
        }
        catch (Exception e)
        {
            io.Error.WriteLine($"mgx: {Failures.Describe(e)?.Message ?? e.Message}");
            return Failed;
        }
    }
}
