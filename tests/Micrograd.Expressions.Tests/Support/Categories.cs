namespace Micrograd.Expressions.Tests.Support;

/// <summary>
/// The NUnit categories of tests a contributor may leave out (CONTRIBUTING.md shows the filters); every test runs
/// in CI.
/// </summary>
internal static class Categories
{
    /// <summary>Takes more than about ten seconds on a 2-core machine (random corpora, formulas at the limits).</summary>
    public const string Slow = "Slow";

    /// <summary>Needs a database engine: SQLite and DuckDB in-process, PostgreSQL as a throwaway local server.</summary>
    public const string Database = "Database";

    /// <summary>Drives a browser (the playground); skipped where none is installed.</summary>
    public const string Browser = "Browser";

    /// <summary>Packs the NuGet packages with the SDK and installs or references them.</summary>
    public const string ToolPackage = "ToolPackage";

    /// <summary>Compares the NativeAOT build of the smoke app with the same app under the JIT.</summary>
    public const string Aot = "Aot";
}
