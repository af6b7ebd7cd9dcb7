using System.Text.Json;
using Micrograd.Expressions.Cli.Batch;
using Micrograd.Expressions.Tests.Support;
using Micrograd.Expressions.Visual;

namespace Micrograd.Expressions.Tests;

[TestFixture]
public class BackpropagationTests
{
    private const string Lecture = "let e = a*b\nlet d = e + c\nd * f";

    private static readonly Dictionary<string, double> LecturePoint = new() { ["a"] = 2, ["b"] = -3, ["c"] = 10, ["f"] = -2 };

    [TestCase("a", 2.0, 6.0)]
    [TestCase("b", -3.0, -4.0)]
    [TestCase("c", 10.0, -2.0)]
    [TestCase("f", -2.0, 4.0)]
    [TestCase("e", -6.0, -2.0)]
    [TestCase("d", 4.0, -2.0)]
    public void Backpropagate_LectureGraph_EveryNodeValueAndGrad(string name, double value, double grad)
    {
        var pass = Formula.Parse(Lecture).Backpropagate(LecturePoint);
        var node = pass.Nodes.Single(n => n.Name == name);
        Assert.Multiple(() =>
        {
            Assert.That(pass.Value, Is.EqualTo(-8.0));
            Assert.That(node.Value, Is.EqualTo(value), name);
            Assert.That(node.Grad, Is.EqualTo(grad), name);
        });
    }

    [TestCase("x1", -1.5)]
    [TestCase("w1", 1.0)]
    [TestCase("x2", 0.5)]
    [TestCase("w2", 0.0)]
    [TestCase("b", 0.5)]
    public void Backpropagate_TanhNeuron_MatchesLecture(string name, double grad)
    {
        var pass = Formula.Parse("tanh(x1*w1 + x2*w2 + b)").Backpropagate(new Dictionary<string, double>
        {
            ["x1"] = 2,
            ["x2"] = 0,
            ["w1"] = -3,
            ["w2"] = 1,
            ["b"] = 6.8813735870195432,
        });
        Assert.Multiple(() =>
        {
            Assert.That(pass.Value, Is.EqualTo(0.7071).Within(1e-4));
            Assert.That(pass.Gradient[name], Is.EqualTo(grad).Within(1e-12), name);
        });
    }

    [Test]
    public void CompileGradient_NodeUsedTwice_Accumulates()
    {
        var grad = Formula.Parse("let b = a + a in b").CompileGradient();
        var g = new double[1];
        var value = grad([3.0], g);
        Assert.Multiple(() =>
        {
            Assert.That(value, Is.EqualTo(6.0));
            Assert.That(g[0], Is.EqualTo(2.0), "micrograd's += lesson: db/da = 2");
        });
    }

    // shapes where a parameter is read late, never, or only through an alias, and dead bindings
    [TestCase("fun x y -> x", 3.0, 1.0, 0.0)]
    [TestCase("fun x y -> 7", 7.0, 0.0, 0.0)]
    [TestCase("fun x y -> y**1 * x", -6.0, -2.0, 3.0)]
    [TestCase("fun x y -> let unused = x*x in y", -2.0, 0.0, 1.0)]
    [TestCase("fun x y -> let a = x*y; let dead = a*3 in a + 1", -5.0, -2.0, 3.0)]
    [TestCase("fun x y -> 2*x - 3*y", 12.0, 2.0, -3.0)]
    [TestCase("fun x y -> let a = x in let b = a in b*b*y", -18.0, -12.0, 9.0)]
    [TestCase("fun x y -> y*x + x*x", 3.0, 4.0, 3.0)]
    public void CompileGradient_AliasesAndDeadValues_ExactGradient(string text, double value, double dx, double dy)
    {
        var g = new double[2];
        var actual = Formula.Parse(text).CompileGradient()([3.0, -2.0], g);
        Assert.Multiple(() =>
        {
            Assert.That(actual, Is.EqualTo(value), $"{text} at x=3, y=-2: value");
            Assert.That(g, Is.EqualTo(new[] { dx, dy }), $"{text} at x=3, y=-2: gradient");
        });
    }

    // n = 1500 has about 15,000 graph values: more than IL locals the JIT would track, shared by lifetime
    [TestCase(2)]
    [TestCase(100)]
    [TestCase(1500)]
    public void CompileGradient_ExtendedRosenbrock_MatchesClosedForm(int n)
    {
        var formula = Formula.Parse(ExtendedRosenbrock(n));
        double[] x = [.. Enumerable.Range(0, n).Select(i => 0.5 + (0.01 * i))];
        var g = new double[n];
        var value = formula.CompileGradient()(x, g);
        Assert.That(value, Is.EqualTo(formula.Evaluate(x)), $"n = {n}: the gradient's value and Evaluate");
        for (var i = 0; i < n; i++)
        {
            var expected = (i < n - 1 ? (-400 * x[i] * (x[i + 1] - (x[i] * x[i]))) - (2 * (1 - x[i])) : 0)
                + (i > 0 ? 200 * (x[i] - (x[i - 1] * x[i - 1])) : 0);
            Assert.That(Close.Enough(expected, g[i], 1e-12), Is.True, $"n = {n}: d/dx{i} is {g[i]:R}, closed form {expected:R}");
        }
    }

    [TestCase(2)]
    [TestCase(1500)]
    public void CompileGradient_ExtendedRosenbrock_AllocatesNothingPerCall(int n)
    {
        var gradient = Formula.Parse(ExtendedRosenbrock(n)).CompileGradient();
        var x = new double[n];
        var g = new double[n];
        gradient(x, g);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var call = 0; call < 10; call++)
        {
            gradient(x, g);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.Zero, $"n = {n}: {allocated} bytes allocated by 10 calls");
    }

    // each term of a sum gets the sum's gradient (1 or -1, known when compiling) without a local of its
    // own, so even 10,000 terms keep few values alive at once and need no array
    [Test]
    public void CompileGradient_TenThousandTermSum_ExactAndAllocatesNothing()
    {
        const int n = 10_000;
        var formula = Formula.Parse("fun x y -> " + string.Join(" ", Enumerable.Range(1, n).Select(k => $"{(k % 2 == 0 ? "-" : "+")} {k % 7}*x*y")));
        var gradient = formula.CompileGradient();
        double[] point = [2.0, 3.0];
        var g = new double[2];
        var value = gradient(point, g);
        var coefficients = Enumerable.Range(1, n).Sum(k => (k % 2 == 0 ? -1 : 1) * (k % 7));
        var before = GC.GetAllocatedBytesForCurrentThread();
        gradient(point, g);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Multiple(() =>
        {
            Assert.That(value, Is.EqualTo(coefficients * 6.0), "value at x=2, y=3");
            Assert.That(g, Is.EqualTo(new[] { coefficients * 3.0, coefficients * 2.0 }), "gradient at x=2, y=3");
            Assert.That(allocated, Is.Zero, $"{allocated} bytes allocated by one call");
        });
    }

    // the reverse sweep of a long product needs every prefix product at once: past 8,192 live values
    // they are kept in one array instead of IL locals
    [Test]
    public void CompileGradient_TenThousandLiveValues_ExactGradient()
    {
        const int n = 5000;
        var formula = Formula.Parse(string.Join("*", Enumerable.Range(1, n).Select(k => $"(1 + {k}*x)")));
        var g = new double[1];
        var value = formula.CompileGradient()([0.0], g);
        Assert.Multiple(() =>
        {
            Assert.That(value, Is.EqualTo(1.0), "product of (1 + k*x) at x = 0");
            Assert.That(g[0], Is.EqualTo(n * (n + 1) / 2.0), "d/dx at x = 0 is 1 + 2 + ... + n");
        });
    }

    // parameters x0 ... x(n-1) in that order
    private static string ExtendedRosenbrock(int n) =>
        $"fun {string.Join(' ', Enumerable.Range(0, n).Select(i => $"x{i}"))} -> "
        + string.Join(" + ", Enumerable.Range(0, n - 1).Select(i => $"100*(x{i + 1} - x{i}**2)**2 + (1 - x{i})**2"));

    [Test]
    public void CompileGradient_SeedMultiInput_ValueAndGradient()
    {
        var g = new double[3];
        var value = Formula.Parse("a*b + c").CompileGradient()([2.0, -3.0, 10.0], g);
        Assert.Multiple(() =>
        {
            Assert.That(value, Is.EqualTo(4.0));
            Assert.That(g, Is.EqualTo(new[] { -3.0, 2.0, 1.0 }));
        });
    }

    [Test]
    public void CompileGradient_SameDelegateEachCall()
    {
        var f = Formula.Parse("x*y");
        var first = f.CompileGradient();
        Assert.That(f.CompileGradient(), Is.SameAs(first));
    }

    [Test]
    [Category(Categories.Slow)]
    public void CompileGradient_RandomTrees_MatchSymbolicGradient()
    {
        var compared = 0;
        for (var seed = 0; seed < 1500; seed++)
        {
            var formula = Formula.FromTree(new RandomTrees(seed).Next(), ["x", "y", "a", "b"]);
            double[] at = [0.7, -0.4, 1.3, 0.6];
            var gradient = new double[4];
            var value = formula.CompileGradient()(at, gradient);
            Assert.That(Close.Enough(formula.Evaluate(at), value, 0), Is.True, $"seed {seed}: value of {formula} is {value}, Evaluate gives {formula.Evaluate(at)}");
            // where the value is infinite (log2 of a product with a zero factor) the derivative is undefined: the
            // symbolic form may have cancelled the factor and reverse mode's strong zero gives 0; neither is an oracle
            if (!double.IsFinite(value))
            {
                continue;
            }

            for (var i = 0; i < 4; i++)
            {
                var symbolic = formula.Derivative(formula.Parameters[i]).Evaluate(at);
                if (!double.IsFinite(symbolic) || !double.IsFinite(gradient[i]))
                {
                    continue;
                }

                compared++;
                Assert.That(Close.Enough(symbolic, gradient[i], 1e-9), Is.True,
                    $"seed {seed}: d/d{formula.Parameters[i]} {formula}: reverse mode {gradient[i]:R}, symbolic {symbolic:R}");
            }
        }

        Assert.That(compared, Is.GreaterThan(3000));
    }

    [Test]
    public void CompileGradient_EveryFunction_MatchesSymbolic()
    {
        foreach (var f in Function.Table.Where(f => f.Arity > 0))
        {
            var text = f.Arity == 1 ? $"{f.Name}(0.3*x + y)" : $"{f.Name}(0.3*x + y, x*y)";
            var formula = Formula.Parse($"fun x y -> {text}");
            var g = new double[2];
            formula.CompileGradient()([0.8, 0.35], g);
            Assert.Multiple(() =>
            {
                Assert.That(g[0], Is.EqualTo(formula.Derivative("x").Evaluate(0.8, 0.35)).Within(1e-12), $"{text} d/dx");
                Assert.That(g[1], Is.EqualTo(formula.Derivative("y").Evaluate(0.8, 0.35)).Within(1e-12), $"{text} d/dy");
            });
        }
    }

    [Test]
    public void Backpropagate_MissingValue_NameError() =>
        Assert.That(() => Formula.Parse("a*b").Backpropagate(new Dictionary<string, double> { ["a"] = 1 }),
            Throws.InstanceOf<FormulaException>().With.Message.Contains("`b`"));

    [Test]
    public void GraphDot_Lecture_RecordsAndOperationNodes()
    {
        var dot = GraphDot.Write(Formula.Parse(Lecture).Backpropagate(LecturePoint));
        Assert.Multiple(() =>
        {
            Assert.That(dot, Does.StartWith("digraph G {\n  rankdir=LR;"));
            Assert.That(dot, Does.Contain("v0 [shape=record, label=\"{ a | data 2.0000 | grad 6.0000 }\"];"));
            Assert.That(dot, Does.Contain("v4 [shape=record, label=\"{ e | data -6.0000 | grad -2.0000 }\"];"));
            Assert.That(dot, Does.Contain("op4 [label=\"*\", shape=ellipse];"));
            Assert.That(dot, Does.Contain("v0 -> op4;"));
            Assert.That(dot, Does.Contain("op4 -> v4;"));
            Assert.That(dot, Does.Contain("label=\"{ output | data -8.0000 | grad 1.0000 }\""));
            Assert.That(dot.TrimEnd(), Does.EndWith("}"));
        });
    }

    [Test]
    [SetCulture("de-DE")]
    public void GraphDot_GermanCulture_InvariantNumbers() =>
        Assert.That(GraphDot.Write(Formula.Parse("x/4").Backpropagate(new Dictionary<string, double> { ["x"] = 1 })), Does.Contain("data 0.2500"));

    [Test]
    public void GradCommand_Lecture_TableOfEveryNode()
    {
        var (code, output, error) = Mgx.Run("grad", "let e = a*b; let d = e + c; d * f", "a=2", "b=-3", "c=10", "f=-2");
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero, error);
            Assert.That(output, Does.StartWith("value = -8\n"));
            Assert.That(output, Does.Contain("| e    | -6    | -2   |"));
            Assert.That(output, Does.Contain("| a    | 2     | 6    |"));
        });
    }

    [Test]
    public void GraphCommand_DotFile_Written()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mgx-{Guid.NewGuid():N}.dot");
        try
        {
            var (code, _, error) = Mgx.Run("graph", "a*b + c", "a=2", "b=-3", "c=10", "--out", path);
            Assert.Multiple(() =>
            {
                Assert.That(code, Is.Zero, error);
                Assert.That(File.ReadAllText(path), Does.Contain("label=\"{ output | data 4.0000 | grad 1.0000 }\""));
            });
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void GraphCommand_UnknownExtension_UsageError()
    {
        var (code, _, error) = Mgx.Run("graph", "a", "a=1", "--out", "graph.bmp");
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(2));
            Assert.That(error, Does.Contain("unknown output type"));
        });
    }

    [Test]
    public void BatchGrad_Lecture_ValueGradientNodes()
    {
        using var response = JsonDocument.Parse(BatchSession.Handle("""{"op":"grad","formula":"let e = a*b; let d = e + c; d * f","at":{"a":2,"b":-3,"c":10,"f":-2}}"""));
        var root = response.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("value").GetDouble(), Is.EqualTo(-8.0));
            Assert.That(root.GetProperty("gradient").GetProperty("a").GetDouble(), Is.EqualTo(6.0));
            Assert.That(root.GetProperty("gradient").EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "a", "b", "c", "f" }));
            Assert.That(root.GetProperty("nodes").GetProperty("e").GetProperty("grad").GetDouble(), Is.EqualTo(-2.0));
            Assert.That(root.GetProperty("nodes").GetProperty("d").GetProperty("value").GetDouble(), Is.EqualTo(4.0));
        });
    }

    [TestCase("tanh(x1*w1 + x2*w2 + b)")]
    [TestCase("(a*b + c)*f")]
    public void Backpropagate_ManyPointsOnManyThreads_EachPointAsAlone(string text)
    {
        // the trace is compiled once per formula and shared: every call, on any thread, gives what a fresh formula gives
        var formula = Formula.Parse(text);
        var points = Enumerable.Range(0, 64).Select(i => formula.Parameters.ToDictionary(p => p, p => Math.Sin(i + p.Length) * 3)).ToList();
        var shared = new Calculus.BackpropResult[points.Count];
        Parallel.For(0, points.Count, i => shared[i] = formula.Backpropagate(points[i]));
        for (var i = 0; i < points.Count; i++)
        {
            var alone = Formula.Parse(text).Backpropagate(points[i]);
            Assert.That(BitConverter.DoubleToInt64Bits(shared[i].Value), Is.EqualTo(BitConverter.DoubleToInt64Bits(alone.Value)), $"{text} at point {i}: value {shared[i].Value} against {alone.Value}");
            foreach (var (name, grad) in alone.Gradient)
            {
                Assert.That(BitConverter.DoubleToInt64Bits(shared[i].Gradient[name]), Is.EqualTo(BitConverter.DoubleToInt64Bits(grad)), $"{text} at point {i}: d/d{name} {shared[i].Gradient[name]} against {grad}");
            }

            Assert.That(shared[i].Nodes.Select(n => (n.Name, n.Value, n.Grad)), Is.EqualTo(alone.Nodes.Select(n => (n.Name, n.Value, n.Grad))), $"{text} at point {i}: nodes");
        }
    }
}
