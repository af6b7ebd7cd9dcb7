using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions.Cli.Commands;

/// <summary>Turns engine errors into the text and exit code a command-line user sees.</summary>
internal static class Report
{
    public static int Run(ConsoleIO io, Action action)
    {
        try
        {
            action();
            return 0;
        }
        catch (FormulaSyntaxException e)
        {
            io.Error.WriteLine($"mgx: {e.Describe()}");
            return 1;
        }
        catch (FormulaException e)
        {
            io.Error.WriteLine($"mgx: {e.Message}");
            return 1;
        }
        catch (FormatException e)
        {
            io.Error.WriteLine($"mgx: {e.Message}");
            return 1;
        }
    }
}
