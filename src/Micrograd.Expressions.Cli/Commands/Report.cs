using Micrograd.Expressions.Cli.Operations;

namespace Micrograd.Expressions.Cli.Commands;

/// <summary>Runs a command's action: what it throws goes through the one error path (<see cref="Failures"/>).</summary>
internal static class Report
{
    public static int Run(ConsoleIO io, Action action) => Run(io, () =>
    {
        action();
        return Failures.Ok;
    });

    /// <summary>Runs a command whose outcome decides its exit code (<c>check</c>: 1 when a derivative disagrees).</summary>
    public static int Run(ConsoleIO io, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e)
        {
            return Failures.Report(io.Error, e);
        }
    }
}
