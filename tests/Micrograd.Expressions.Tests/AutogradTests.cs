using Micrograd.Expressions.Autograd;
using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

/// <summary>micrograd's Value, its tests and the lecture's graphs, with micrograd's own numbers as the oracle.</summary>
[TestFixture]
public class AutogradTests
{
    // micrograd's test_engine.py: test_sanity_check (PyTorch: y = -20, dy/dx = 46)
    [Test]
    public void Backward_MicrogradSanityCheck_PyTorchNumbers()
    {
        var x = new Value(-4.0);
        var z = (2 * x) + 2 + x;
        var q = z.Relu() + (z * x);
        var h = (z * z).Relu();
        var y = h + q + (q * x);
        y.Backward();
        Assert.Multiple(() =>
        {
            Assert.That(y.Data, Is.EqualTo(-20.0));
            Assert.That(x.Grad, Is.EqualTo(46.0));
        });
    }

    // micrograd's test_engine.py: test_more_ops
    [Test]
    public void Backward_MicrogradMoreOps_PyTorchNumbers()
    {
        var a = new Value(-4.0);
        var b = new Value(2.0);
        var c = a + b;
        var d = (a * b) + b.Pow(3);
        c += c + 1;
        c += 1 + c + (-a);
        d += (d * 2) + (b + a).Relu();
        d += (3 * d) + (b - a).Relu();
        var e = c - d;
        var f = e.Pow(2);
        var g = f / 2.0;
        g += 10.0 / f;
        g.Backward();
        Assert.Multiple(() =>
        {
            Assert.That(g.Data, Is.EqualTo(24.70408163265306).Within(1e-12).Percent);
            Assert.That(a.Grad, Is.EqualTo(138.83381924198252).Within(1e-12).Percent);
            Assert.That(b.Grad, Is.EqualTo(645.5772594752186).Within(1e-12).Percent);
        });
    }

    // the lecture's expression: L = (a*b + c)*f
    [Test]
    public void Backward_LectureGraph_LectureGradients()
    {
        var a = new Value(2.0, "a");
        var b = new Value(-3.0, "b");
        var c = new Value(10.0, "c");
        var e = a * b;
        e.Label = "e";
        var d = e + c;
        d.Label = "d";
        var f = new Value(-2.0, "f");
        var l = d * f;
        l.Label = "L";
        l.Backward();
        Assert.Multiple(() =>
        {
            Assert.That(l.Data, Is.EqualTo(-8.0));
            Assert.That(new[] { a.Grad, b.Grad, c.Grad, e.Grad, d.Grad, f.Grad, l.Grad }, Is.EqualTo(new[] { 6.0, -4.0, -2.0, -2.0, -2.0, 4.0, 1.0 }));
            Assert.That(l.Op, Is.EqualTo("*"));
            Assert.That(l.Children, Is.EqualTo(new[] { d, f }));
        });
    }

    // the lecture's tanh neuron: o = tanh(x1*w1 + x2*w2 + b)
    [Test]
    public void Backward_LectureTanhNeuron_LectureGradients()
    {
        var x1 = new Value(2.0, "x1");
        var x2 = new Value(0.0, "x2");
        var w1 = new Value(-3.0, "w1");
        var w2 = new Value(1.0, "w2");
        var b = new Value(6.8813735870195432, "b");
        var o = ((x1 * w1) + (x2 * w2) + b).Tanh();
        o.Backward();
        Assert.Multiple(() =>
        {
            Assert.That(o.Data, Is.EqualTo(Math.Sqrt(0.5)).Within(1e-12));
            Assert.That(x1.Grad, Is.EqualTo(-1.5).Within(1e-12));
            Assert.That(w1.Grad, Is.EqualTo(1.0).Within(1e-12));
            Assert.That(x2.Grad, Is.EqualTo(0.5).Within(1e-12));
            Assert.That(w2.Grad, Is.EqualTo(0.0).Within(1e-12));
        });
    }

    [TestCase("exp")]
    [TestCase("log")]
    [TestCase("sigmoid")]
    [TestCase("tanh")]
    [TestCase("pow")]
    [TestCase("div")]
    public void Backward_EveryOperation_AgreesWithTheFormulasDerivative(string op)
    {
        var x = new Value(0.7, "x");
        var y = new Value(1.9, "y");
        var out1 = op switch
        {
            "exp" => (x * y).Exp(),
            "log" => (x + y).Log() * x,
            "sigmoid" => (x - y).Sigmoid() / y,
            "tanh" => (x * y).Tanh() - x,
            "pow" => (x + 1).Pow(3.5) * y.Pow(-2),
            _ => (x / y) + (2.0 / x) - (y / 4.0),
        };
        out1.Backward();
        var formula = out1.ToFormula();
        var gradient = formula.Gradient();
        Assert.Multiple(() =>
        {
            Assert.That(formula.Evaluate(0.7, 1.9), Is.EqualTo(out1.Data), $"the same operations, the same bits: {formula}");
            Assert.That(x.Grad, Is.EqualTo(gradient[0].Evaluate(0.7, 1.9)).Within(1e-12).Percent, gradient[0].ToString());
            Assert.That(y.Grad, Is.EqualTo(gradient[1].Evaluate(0.7, 1.9)).Within(1e-12).Percent, gradient[1].ToString());
        });
    }

    [Test]
    public void ToFormula_LectureGraph_ParametersLabelsAndSharing()
    {
        var a = new Value(2.0, "a");
        var b = new Value(-3.0, "b");
        var e = a * b;
        var l = (e + 1) * e;
        var formula = l.ToFormula();
        Assert.Multiple(() =>
        {
            Assert.That(formula.Parameters, Is.EqualTo(new[] { "a", "b" }));
            Assert.That(formula.ToString(), Is.EqualTo("let t1 = a*b; (t1 + 1)*t1"));
            Assert.That(formula.Evaluate(2.0, -3.0), Is.EqualTo(l.Data));
            Assert.That(formula.Derivative("a").Evaluate(2.0, -3.0), Is.EqualTo(33.0), "(2e + 1)*b");
        });
    }

    // 200,000 values deep: a recursive walk would need far more than 1 MB of stack at any frame size, so the
    // property needs no larger chain
    [Test]
    public void BackwardAndToFormula_DeepChainOnOneMegabyteStack_Work()
    {
        const int links = 100_000;
        var (data, grad, evaluated) = Threads.OnStack(
            () =>
            {
                var x = new Value(0.5, "x");
                var chain = x;
                for (var i = 0; i < links; i++)
                {
                    chain = (chain * 1.0) + x;
                }

                chain.Backward();
                var formula = chain.ToFormula(options: new FormulaOptions { MaxNodes = int.MaxValue });
                return (chain.Data, x.Grad, formula.Evaluate(0.5));
            },
            1024 * 1024);
        Assert.Multiple(() =>
        {
            Assert.That(data, Is.EqualTo(0.5 * (links + 1)), "the chain's value");
            Assert.That(grad, Is.EqualTo(links + 1.0), "x's gradient");
            Assert.That(evaluated, Is.EqualTo(data), "its formula's value");
        });
    }

    private static readonly double[] Specials = [0.0, -0.0, double.PositiveInfinity, double.NegativeInfinity, double.NaN, 1.5, -0.75, 3.0];

    // one home for each operation's semantics: a random graph gives the bits of its formula on every tier at
    // inputs with ±0, ±Inf and NaN. (Gradients agree at finite points; where a partial is infinite or NaN the
    // formula's reverse mode multiplies with a strong zero and Backward, as micrograd, does not.)
    [Test]
    public void RandomGraphs_AtSignedZerosInfinitiesAndNaN_SameBitsAsTheirFormulas()
    {
        for (var seed = 0; seed < 500; seed++)
        {
            var random = new Random(seed);
            var (a, b) = (new Value(Specials[random.Next(Specials.Length)], "a"), new Value(Specials[random.Next(Specials.Length)], "b"));
            var pool = new List<Value> { a, b };
            Value Pick() => pool[random.Next(pool.Count)];
            for (var k = 0; k < 6; k++)
            {
                var c = random.Next(2) == 0 ? 0.0 : -0.0;
                pool.Add(random.Next(12) switch
                {
                    0 => Pick() + Pick(),
                    1 => Pick() * Pick(),
                    2 => Pick() - Pick(),
                    3 => Pick() / Pick(),
                    4 => Pick() + c,
                    5 => Pick() * c,
                    6 => Pick().Pow(random.Next(-2, 4)),
                    7 => Pick().Tanh(),
                    8 => Pick().Exp(),
                    9 => Pick().Log(),
                    10 => Pick().Relu(),
                    _ => Pick().Sigmoid(),
                });
            }

            var root = pool[^1];
            var formula = root.ToFormula([a, b]);
            double[] point = [a.Data, b.Data];
            var values = new[] { root.Data, formula.Evaluate(point), formula.Compile()(point), Compilation.Interpreter.Evaluate(formula.Core, formula.Parameters, point) };
            Assert.That(values.All(v => Bits.Same(v, values[0])), Is.True, $"seed {seed}: {formula} at ({a.Data:R}, {b.Data:R}): Value, Evaluate, Compile, interpreter = {string.Join(", ", values)}");
        }
    }

    // each operation's local derivative is its function row's: Backward gives the bits of the formula's reverse mode
    // and of its symbolic derivative, at the kinks, ±0, ±Inf and NaN as at ordinary points (added, as micrograd's
    // +=, into a gradient of 0, so a slope of -0 leaves 0)
    [TestCase("tanh")]
    [TestCase("exp")]
    [TestCase("log")]
    [TestCase("relu")]
    [TestCase("sigmoid")]
    public void UnaryOperation_ValueAndFormula_SameBitsAndSameSlope(string op)
    {
        var formula = Formula.Parse($"{op}(x)");
        var derivative = formula.Derivative("x");
        double[] points = [.. Specials, -2.0, 0.5, -19.5, 20.5, 1e-300, -1e-300, 710, -746];
        Assert.Multiple(() =>
        {
            foreach (var x in points)
            {
                var v = new Value(x, "x");
                var r = op switch { "tanh" => v.Tanh(), "exp" => v.Exp(), "log" => v.Log(), "relu" => v.Relu(), _ => v.Sigmoid() };
                r.Backward();
                var reverse = 0.0 + formula.Backpropagate(new Dictionary<string, double> { ["x"] = x }).Gradient["x"];
                var symbolic = 0.0 + derivative.Evaluate(x);
                Assert.That(Bits.Same(r.Data, formula.Evaluate(x)), Is.True, $"{op}({Bits.Show(x)}): Value {Bits.Show(r.Data)}, formula {Bits.Show(formula.Evaluate(x))}");
                Assert.That(Bits.Same(v.Grad, reverse) && Bits.Same(v.Grad, symbolic), Is.True,
                    $"{op}'({Bits.Show(x)}): Value {Bits.Show(v.Grad)}, Backpropagate {Bits.Show(reverse)}, {derivative} {Bits.Show(symbolic)}");
            }
        });
    }

    [Test]
    public void Backward_Twice_GradientsAccumulateAsMicrograd()
    {
        var x = new Value(3.0);
        var y = x * x;
        y.Backward();
        y.Backward();
        Assert.That(x.Grad, Is.EqualTo(12.0), "micrograd adds: 6 + 6, each pass starting from y.grad = 1");
    }

    [Test]
    public void GraphDot_LectureGraphAfterBackward_RecordsWithLabelDataGrad()
    {
        var a = new Value(2.0, "a");
        var b = new Value(-3.0, "b");
        var l = (a * b) + 10.0;
        l.Label = "L";
        l.Backward();
        var dot = Visual.GraphDot.Write(l);
        Assert.Multiple(() =>
        {
            Assert.That(dot, Does.Contain("{ a | data 2.0000 | grad -3.0000 }"));
            Assert.That(dot, Does.Contain("{ b | data -3.0000 | grad 2.0000 }"));
            Assert.That(dot, Does.Contain("{ L | data 4.0000 | grad 1.0000 }"));
            Assert.That(dot, Does.Contain("[label=\"*\", shape=ellipse]"));
            Assert.That(dot, Does.StartWith("digraph G {"));
        });
    }
}
