using System.Globalization;
using System.Text;

namespace Micrograd.Expressions.Generators.Tests.Support;

/// <summary>
/// Random formula text from a seed (so every failure is reproducible): sums, differences, products, quotients,
/// powers (small whole ones, which are unrolled, and others), negations, let bindings and every function of the
/// built-in table, over a few names and numbers.
/// </summary>
internal sealed class RandomFormulas(int seed)
{
    private static readonly Function[] Functions = [.. FormulaContext.Default.Functions.Where(f => f.Arity > 0)];
    private static readonly string[] Names = ["x", "y", "a", "b"];
    private readonly Random random = new(seed);

    public string Next(int depth = 4) => random.Next(6) == 0
        ? $"let u1 = {Term(depth - 1)} in {Term(depth - 1).Replace("y", "u1", StringComparison.Ordinal)}"
        : Term(depth);

    private string Term(int depth)
    {
        if (depth <= 0 || random.NextDouble() < 0.2)
        {
            return Leaf();
        }

        return random.Next(9) switch
        {
            0 => $"{Term(depth - 1)} + {Term(depth - 1)}",
            1 => $"{Term(depth - 1)} - ({Term(depth - 1)})",
            2 => $"({Term(depth - 1)})*({Term(depth - 1)})",
            3 => $"({Term(depth - 1)})/({Term(depth - 1)})",
            4 => $"({Term(depth - 1)})**{random.Next(-4, 5).ToString(CultureInfo.InvariantCulture)}",
            5 => $"({Term(depth - 1)})**({Term(depth - 1)})",
            6 => $"-({Term(depth - 1)})",
            _ => Call(depth),
        };
    }

    private string Call(int depth)
    {
        var f = Functions[random.Next(Functions.Length)];
        var args = new StringBuilder();
        for (var i = 0; i < f.Arity; i++)
        {
            args.Append(i == 0 ? "" : ", ").Append(Term(depth - 1));
        }

        return $"{f.Name}({args})";
    }

    private string Leaf() => random.Next(6) switch
    {
        0 => Math.Round(random.NextDouble() * 10, random.Next(0, 3)).ToString("R", CultureInfo.InvariantCulture),
        1 => random.Next(0, 10).ToString(CultureInfo.InvariantCulture),
        2 => "pi",
        _ => Names[random.Next(Names.Length)],
    };

    /// <summary>Points to evaluate at: ordinary values, zeros of both signs, ±1 and values near the functions' edges.</summary>
    public double[] Point(int count)
    {
        double[] special = [0.0, -0.0, 1.0, -1.0, 0.5, 2.0, -2.5, 1e-300, 1e300];
        return [.. Enumerable.Range(0, count).Select(_ => random.Next(3) == 0 ? special[random.Next(special.Length)] : (random.NextDouble() * 8) - 4)];
    }
}
