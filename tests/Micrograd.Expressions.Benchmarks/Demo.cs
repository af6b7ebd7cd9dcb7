using Micrograd.Expressions.Nn;

namespace Micrograd.Expressions.Benchmarks;

/// <summary>
/// micrograd's demo data from docs/data/micrograd, found wherever BenchmarkDotNet runs the process from
/// (the TorchSharp benchmarks compile this file too).
/// </summary>
internal static class Demo
{
    public static LabelledPoints Points()
    {
        using var reader = System.IO.File.OpenText(File("moons.csv"));
        return LabelledPoints.ReadCsv(reader);
    }

    public static IReadOnlyList<double> Initial()
    {
        using var reader = System.IO.File.OpenText(File("init_params.txt"));
        return LabelledPoints.ReadNumbers(reader);
    }

    public static string File(string name)
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "docs", "data", "micrograd", name);
                if (System.IO.File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException($"docs/data/micrograd/{name} not found above {AppContext.BaseDirectory}");
    }
}
