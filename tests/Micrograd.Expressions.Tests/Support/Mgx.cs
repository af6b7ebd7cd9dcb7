namespace Micrograd.Expressions.Tests.Support;

/// <summary>Runs mgx in-process and captures what it prints.</summary>
internal static class Mgx
{
    public static (int Code, string Out, string Error) Run(params string[] args) => RunWithInput("", args);

    public static (int Code, string Out, string Error) RunWithInput(string input, params string[] args)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        var code = Micrograd.Expressions.Cli.Program.Run(args, new StringReader(input), stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
