namespace Micrograd.Expressions.Tests.Support;

/// <summary>Files of the repository the tests run from.</summary>
internal static class Repository
{
    /// <summary>The folder that holds Micrograd.Expressions.sln.</summary>
    public static string Root()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Micrograd.Expressions.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    /// <summary>A file of micrograd's demo data, in docs/data/micrograd.</summary>
    public static string Micrograd(string file) => Path.Combine(Root(), "docs", "data", "micrograd", file);
}
