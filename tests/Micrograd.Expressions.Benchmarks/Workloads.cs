using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Micrograd.Expressions.Benchmarks;

/// <summary>A formula with its values and its text in each peer's dialect, all reading one array <c>v</c>.</summary>
public sealed record Workload(string Name, string Formula, string[] Parameters, double[] Point)
{
    public Formula Parsed { get; } = Expressions.Formula.Parse(Formula);

    /// <summary>C# over <c>v[k]</c> (DynamicExpresso, Roslyn).</summary>
    public string CSharp => Indexed(Parsed.ToString("C#"));

    /// <summary>System.Linq.Dynamic.Core over <c>v[k]</c>.</summary>
    public string DynamicLinq => Indexed(Parsed.ToString("DynamicLinq"));

    /// <summary>NCalc: the C# text without <c>Math.</c>, over the parameter names.</summary>
    public string NCalc => Parsed.ToString("C#").Replace("Math.", "", StringComparison.Ordinal);

    private string Indexed(string text)
    {
        for (var k = 0; k < Parameters.Length; k++)
        {
            text = Regex.Replace(text, $@"\b{Regex.Escape(Parameters[k])}\b", $"v[{k}]");
        }

        return text;
    }

    public override string ToString() => Name;

    public static readonly Workload Seed = new("seed", "3*x**2 - 4*x + 5", ["x"], [3.0]);

    public static readonly Workload Rosenbrock = new("rosenbrock", "(1 - x)**2 + 100*(y - x**2)**2", ["x", "y"], [0.5, 0.8]);

    public static readonly Workload Neuron = new("neuron", "tanh(x1*w1 + x2*w2 + b)", ["x1", "x2", "w1", "w2", "b"], [2, 0, -3, 1, 6.8813735870195432]);

    // c0 + x*(c1 + x*(c2 + ...)): a 50-term polynomial in Horner form
    public static readonly Workload Polynomial = new("poly50", Horner(50), ["x"], [0.7]);

    public static readonly Workload Generated = new("generated200", Generate(200, seed: 7), ["x", "y", "a", "b"], [0.7, -0.3, 1.4, 0.25]);

    public static Workload[] All => [Seed, Rosenbrock, Neuron, Polynomial, Generated];

    private static string Horner(int terms)
    {
        var text = "0.01";
        for (var k = terms - 2; k >= 0; k--)
        {
            text = $"{((k % 7) + 1) / 10.0:0.0} + x*({text})".Replace(",", ".", StringComparison.Ordinal);
        }

        return text;
    }

    // a random formula of about `nodes` nodes over operations every peer supports (+ - * /, sin, cos, exp, sqrt)
    private static string Generate(int nodes, int seed)
    {
        var random = new Random(seed);
        string[] names = ["x", "y", "a", "b"];
        string[] functions = ["sin", "cos", "exp", "sqrt"];
        string Node(int budget)
        {
            if (budget <= 1)
            {
                return random.Next(3) == 0 ? (random.Next(1, 90) / 10.0).ToString(CultureInfo.InvariantCulture) : names[random.Next(names.Length)];
            }

            if (random.Next(5) == 0)
            {
                var f = functions[random.Next(functions.Length)];
                var inner = Node(budget - 1);
                return f == "sqrt" ? $"sqrt(1 + ({inner})**2)" : $"{f}(({inner})/4)";
            }

            var left = random.Next(1, budget - 1);
            var op = "+-*/"[random.Next(4)];
            var right = Node(budget - 1 - left);
            return op == '/' ? $"({Node(left)})/(1 + ({right})**2)" : $"({Node(left)}) {op} ({right})";
        }

        return Expressions.Formula.Parse(Node(nodes)).ToString();
    }

    /// <summary>The workload compiled as ordinary C# by Roslyn: the "hand-written" baseline for generated formulas.</summary>
    public Func<double[], double> CompileCSharp()
    {
        var source = $"using System; public static class W {{ public static double F(double[] v) => {CSharp}; }}";
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is "System.Runtime.dll" or "System.Private.CoreLib.dll")
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("W" + Guid.NewGuid().ToString("N"), [CSharpSyntaxTree.ParseText(source)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release));
        using var stream = new MemoryStream();
        var emitted = compilation.Emit(stream);
        if (!emitted.Success)
        {
            throw new InvalidOperationException(string.Join("\n", emitted.Diagnostics));
        }

        var method = Assembly.Load(stream.ToArray()).GetType("W")!.GetMethod("F")!;
        return method.CreateDelegate<Func<double[], double>>();
    }

    /// <summary>The extended Rosenbrock function of n variables x0 ... x(n-1).</summary>
    public static string ExtendedRosenbrock(int n)
    {
        var text = new StringBuilder();
        for (var i = 0; i < n - 1; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(i > 0 ? " + " : "")}100*(x{i + 1} - x{i}**2)**2 + (1 - x{i})**2");
        }

        return text.ToString();
    }
}
