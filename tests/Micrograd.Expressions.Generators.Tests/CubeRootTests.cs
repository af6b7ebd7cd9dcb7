extern alias generator;

using System.Globalization;
using System.Numerics;
using System.Reflection;
using Micrograd.Expressions.Generators.Tests.Support;
using Microsoft.CodeAnalysis.CSharp;
using Templates = generator::Micrograd.Expressions.Generators.Templates;

namespace Micrograd.Expressions.Generators.Tests;

/// <summary>
/// The generated cube root: <c>System.Math.Cbrt</c> where the compilation's framework has it (the engine's bits), and
/// elsewhere (netstandard2.0, .NET Framework) a fallback within 1 ulp of the exact cube root, checked exactly over
/// values of every magnitude, subnormals and the largest doubles included.
/// </summary>
[TestFixture]
public class CubeRootTests
{
    [Test]
    public void FormulaMath_FrameworkWithCbrt_CallsMathCbrt()
    {
        var run = Harness.Generate("using Micrograd.Expressions;\nstatic partial class M { [Formula(\"cbrt(x)\")] public static partial double F(double x); }");
        var math = run.Result.Results[0].GeneratedSources.Single(s => s.HintName == "Micrograd.Expressions.FormulaMath.g.cs").SourceText.ToString();
        Assert.That(math, Does.Contain("public static double Cbrt(double x) => global::System.Math.Cbrt(x);"), math);
    }

    // log2 as cbrt: System.Math.Log2 where the compilation has it, else the natural logarithm over ln 2
    [TestCase(true)]
    [TestCase(false)]
    public void FormulaMath_Log2_MathLog2OrWithinTwoUlp(bool hasLog2)
    {
        var source = Templates.Math(hasCbrt: true, hasLog2);
        var log2 = Harness.Load(Harness.Compilation("").AddSyntaxTrees(CSharpSyntaxTree.ParseText(source, Harness.Parse())))
            .GetType("Micrograd.Expressions.Generated.FormulaMath")!
            .GetMethod("Log2", BindingFlags.Public | BindingFlags.Static)!.CreateDelegate<Func<double, double>>();
        var random = new Random(2);
        var worst = 0L;
        foreach (var x in Enumerable.Range(0, 10_000).Select(_ => Math.Exp((random.NextDouble() - 0.5) * 1400)).Append(0.0).Append(double.PositiveInfinity))
        {
            worst = Math.Max(worst, Math.Abs(BitConverter.DoubleToInt64Bits(log2(x)) - BitConverter.DoubleToInt64Bits(Math.Log2(x))));
        }

        Assert.That(worst, Is.LessThanOrEqualTo(hasLog2 ? 0 : 2), $"the generated Log2 ({(hasLog2 ? "Math.Log2" : "the fallback")}) differs from Math.Log2 by {worst} ulps");
        Assert.That(source, hasLog2 ? Does.Contain("global::System.Math.Log2(x)") : Does.Not.Contain("global::System.Math.Log2"), source);
    }

    [Test]
    public void Fallback_ManyValues_WithinOneUlpOfTheExactCubeRoot()
    {
        var compilation = Harness.Compilation("").AddSyntaxTrees(CSharpSyntaxTree.ParseText(Templates.Math(hasCbrt: false), Harness.Parse()));
        var cbrt = Harness.Load(compilation).GetType("Micrograd.Expressions.Generated.FormulaMath")!
            .GetMethod("Cbrt", BindingFlags.Public | BindingFlags.Static)!.CreateDelegate<Func<double, double>>();
        Assert.That(new[] { 0.0, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 8, -27 }.Select(x => BitConverter.DoubleToInt64Bits(cbrt(x))),
            Is.EqualTo(new[] { 0.0, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 2, -3 }.Select(BitConverter.DoubleToInt64Bits)), "the special values and exact cubes");
        var random = new Random(3);
        var values = new List<double> { double.Epsilon, -double.Epsilon, double.MaxValue, -double.MaxValue, 1e-310, 2.2250738585072014E-308, 0.001, 1e300 };
        for (var i = 0; i < 50_000; i++)
        {
            // every exponent, subnormals included (random bits, NaNs and infinities left out), and ordinary values
            var x = BitConverter.Int64BitsToDouble(random.NextInt64(long.MinValue, long.MaxValue));
            values.Add(double.IsFinite(x) && x != 0 ? x : random.NextDouble());
            values.Add(random.NextDouble() * 1000 - 500);
        }

        var fromMath = 0L;
        foreach (var x in values)
        {
            var y = cbrt(x);
            fromMath = Math.Max(fromMath, Math.Abs(BitConverter.DoubleToInt64Bits(y) - BitConverter.DoubleToInt64Bits(Math.Cbrt(x))));
            // the exact cube root lies between the neighbours of |y|: (|y| - 1 ulp)³ <= |x| <= (|y| + 1 ulp)³, computed exactly
            var (a, r) = (Math.Abs(x), Math.Abs(y));
            Assert.That(Compare(Math.BitDecrement(r), a) <= 0 && Compare(Math.BitIncrement(r), a) >= 0, Is.True,
                $"cbrt({x.ToString("R", CultureInfo.InvariantCulture)}) = {y.ToString("R", CultureInfo.InvariantCulture)} is more than 1 ulp from the exact cube root");
        }

        // the platform's Math.Cbrt is not correctly rounded either (glibc's is off by a few ulps): the difference is reported, not held to 1
        TestContext.Out.WriteLine($"{values.Count} values: the fallback is within {fromMath} ulps of Math.Cbrt on this platform");
    }

    // the sign of y³ - a, exactly: a double is m·2^e with whole m
    private static int Compare(double y, double a)
    {
        var (my, ey) = Exact(y);
        var (ma, ea) = Exact(a);
        var (cube, ec) = (BigInteger.Pow(my, 3), 3 * ey);
        return ec >= ea ? (cube << (ec - ea)).CompareTo(ma) : cube.CompareTo(ma << (ea - ec));
    }

    private static (BigInteger Mantissa, int Exponent) Exact(double d)
    {
        var bits = BitConverter.DoubleToInt64Bits(d);
        var exponent = (int)((bits >> 52) & 0x7FF);
        var fraction = bits & 0xF_FFFF_FFFF_FFFFL;
        return exponent == 0 ? (fraction, -1074) : (fraction | (1L << 52), exponent - 1075);
    }
}
