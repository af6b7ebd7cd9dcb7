using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

/// <summary>
/// Every evaluation tier gives the same bits (all NaN counts as one answer: NaN payloads and signs are not
/// specified) for random formulas at the points where IEEE arithmetic is most delicate.
/// </summary>
/// <remarks>The cases, run with code generation (<see cref="TierAgreementTests"/>) and without it.</remarks>
public abstract class TierAgreementCases
{
    protected static readonly double[] Special =
    [
        0.0, -0.0, double.PositiveInfinity, double.NegativeInfinity, double.NaN, double.Epsilon, -double.Epsilon,
        2.2250738585072014e-308 / 3, 1.0, -1.0, 0.5, -2.5, 1e308, -1e-300, Math.PI,
    ];

    [Test]
    public void AllTiers_RandomFormulasAtSpecialPoints_SameBits()
    {
        var names = new[] { "x", "y", "a", "b" };
        for (var seed = 0; seed < 1000; seed++)
        {
            var formula = Formula.FromTree(new RandomTrees(seed, names).Next(), names);
            var random = new Random(seed);
            var points = Enumerable.Range(0, 16).Select(_ => names.Select(_ => Special[random.Next(Special.Length)]).ToArray()).ToArray();
            var columns = names.Select((_, j) => points.Select(p => p[j]).ToArray()).ToArray();
            var batch = new double[points.Length];
            formula.EvaluateBatch(columns, batch);
            var compiled = formula.Compile();
            var typed = formula.Compile<Func<double, double, double, double, double>>();
            for (var k = 0; k < points.Length; k++)
            {
                var p = points[k];
                var interpreted = Compilation.Interpreter.Evaluate(formula.Tree, formula.Parameters, p);
                var values = new[] { interpreted, formula.Evaluate(p), compiled(p), typed(p[0], p[1], p[2], p[3]), batch[k] };
                Assert.That(values.All(v => Bits.Same(v, values[0])), Is.True,
                    $"seed {seed}: {formula} at ({string.Join(", ", p.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}): " +
                    $"interpreted, Evaluate, Compile(), Compile<T>(), EvaluateBatch = {string.Join(", ", values.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}");
            }
        }
    }

    [Test]
    public void AllTiers_OneParameterFormulasOnSpans_SameBits()
    {
        for (var seed = 0; seed < 200; seed++)
        {
            var formula = Formula.FromTree(new RandomTrees(seed, ["x"]).Next(), ["x"]);
            var ys = new double[Special.Length];
            var spans = new double[Special.Length];
            formula.EvaluateBatch(Special, ys);
            formula.EvaluateBatch(Special.AsSpan(), spans.AsSpan());
            var typed = formula.Compile<Func<double, double>>();
            for (var k = 0; k < Special.Length; k++)
            {
                var values = new[] { Compilation.Interpreter.Evaluate(formula.Tree, formula.Parameters, [Special[k]]), typed(Special[k]), ys[k], spans[k] };
                Assert.That(values.All(v => Bits.Same(v, values[0])), Is.True, $"seed {seed}: {Shown.Formula(formula)} at {Special[k]:R}: {string.Join(", ", values)}");
            }
        }
    }

    // The compiled tiers go through FastExpressionCompiler, with Expression.Compile where it declines a lambda:
    // it must accept every shape the engine lowers to, and both compilers must give the same bits.
    [TestCase("value")]
    [TestCase("gradient")]
    public void DelegateCompiler_RandomFormulas_FastPathTakenAndSameBitsAsExpressionCompile(string what)
    {
        var names = new[] { "x", "y", "a", "b" };
        for (var seed = 0; seed < 300; seed++)
        {
            var formula = Formula.FromTree(new RandomTrees(seed, names).Next(), names);
            var lambda = what == "value"
                ? Compilation.LinqCompiler.ToArrayLambda(formula.Tree, formula.Parameters)
                : Compilation.Backpropagation.GradientLambda(formula.Core, formula.Parameters, formula.Options.RerollNodes);
            var fast = Compilation.DelegateCompiler.CompileFast(lambda);
            Assert.That(fast, Is.Not.Null, $"seed {seed}: FastExpressionCompiler declined the {what} of {Shown.Formula(formula)}");
            var system = lambda.Compile();
            var random = new Random(seed);
            for (var k = 0; k < 16; k++)
            {
                var p = names.Select(_ => Special[random.Next(Special.Length)]).ToArray();
                var (fastValues, systemValues) = what == "value"
                    ? ([((Func<double[], double>)fast!)(p)], [((Func<double[], double>)system)(p)])
                    : (Gradient((Calculus.GradientFunction)fast!, p), Gradient((Calculus.GradientFunction)system, p));
                Assert.That(fastValues.Zip(systemValues).All(v => Bits.Same(v.First, v.Second)), Is.True,
                    $"seed {seed}: {what} of {formula} at ({Text(p)}): FastExpressionCompiler {Text(fastValues)}, Expression.Compile {Text(systemValues)}");
            }
        }
    }

    // formulas with 0.0 and -0.0 constants, at points with ±0: every value tier gives the same bits for the
    // formula and for its derivative formulas, and reverse mode (compiled and taped) the same bits as each other
    [Test]
    public void AllTiers_SignedZeroConstantsAndDerivatives_SameBits()
    {
        var names = new[] { "x", "y" };
        for (var seed = 0; seed < 300; seed++)
        {
            var formula = Formula.FromTree(new RandomTrees(seed, names, signedZeros: true).Next(), names);
            var random = new Random(seed);
            var points = Enumerable.Range(0, 8).Select(_ => names.Select(_ => Special[random.Next(6)]).ToArray()).ToArray();
            var gradient = formula.CompileGradient();
            foreach (var f in (Formula[])[formula, formula.Derivative("x"), formula.Derivative("y")])
            {
                var columns = names.Select((_, j) => points.Select(p => p[j]).ToArray()).ToArray();
                var batch = new double[points.Length];
                f.EvaluateBatch(columns, batch);
                var compiled = f.Compile();
                for (var k = 0; k < points.Length; k++)
                {
                    var p = points[k];
                    var values = new[] { Compilation.Interpreter.Evaluate(f.Tree, f.Parameters, p), f.Evaluate(p), compiled(p), batch[k] };
                    Assert.That(values.All(v => Bits.Same(v, values[0])), Is.True,
                        $"seed {seed}: {f} at ({Text(p)}): interpreted, Evaluate, Compile(), EvaluateBatch = {Text(values)}");
                }
            }

            foreach (var p in points)
            {
                var compiled = Gradient(gradient, p);
                var taped = formula.Backpropagate(names.Zip(p).ToDictionary(kv => kv.First, kv => kv.Second));
                var tape = new[] { taped.Value, taped.Gradient["x"], taped.Gradient["y"] };
                Assert.That(compiled.Zip(tape).All(v => Bits.Same(v.First, v.Second)), Is.True,
                    $"seed {seed}: gradient of {formula} at ({Text(p)}): CompileGradient {Text(compiled)}, Backpropagate {Text(tape)}");
            }
        }
    }

    [TestCase("1/(x - 0)", "1/(x + 0)")]
    [TestCase("1/(x + -0.0*y)", "1/(x + 0*y)")]
    public void CompileCache_FormulasDifferingOnlyInTheSignOfAZero_EachRunsItsOwn(string negative, string positive)
    {
        var (minus, plus) = (Formula.Parse(negative), Formula.Parse(positive));
        Assert.That(minus, Is.Not.EqualTo(plus));
        var p = new[] { -0.0, 1.0 }.Take(minus.Parameters.Count).ToArray();
        var (m, q) = (minus.Compile()(p), plus.Compile()(p));
        Assert.That((m, q), Is.EqualTo((minus.Evaluate(p), plus.Evaluate(p))), $"{negative} then {positive}");
        Assert.That(Bits.Same(m, q), Is.False, $"{negative} and {positive} at -0.0 both gave {m}");
    }

    [Test]
    public void EvaluateBatch_ZerosOfBothSignsInOneFormula_EachItsOwnConstant()
    {
        var formula = Formula.Parse("1/(x + 0.0) + 2/(x - 0.0) + 3/(x*0.0) + 4/(x*-0.0)");
        double[] x = [.. Enumerable.Repeat(-0.0, 37), .. Enumerable.Repeat(2.5, 37), .. Enumerable.Repeat(-1.0, 37)];
        var ys = new double[x.Length];
        formula.EvaluateBatch(x, ys);
        for (var k = 0; k < x.Length; k++)
        {
            Assert.That(Bits.Same(ys[k], formula.Evaluate(x[k])), Is.True, $"at {x[k]:R}: batch {ys[k]:R}, Evaluate {formula.Evaluate(x[k]):R}");
        }
    }

    protected static double[] Gradient(Calculus.GradientFunction f, double[] p)
    {
        var gradient = new double[p.Length];
        return [f(p, gradient), .. gradient];
    }

    protected static string Text(IEnumerable<double> values) =>
        string.Join(", ", values.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));

}

/// <summary>The agreement cases under the JIT, and the engine's own evaluator against the LINQ-compiled code.</summary>
[TestFixture]
public class TierAgreementTests : TierAgreementCases
{
    // the engine's own evaluator (the program, its block loop and its reverse sweep) against the LINQ-compiled
    // delegates, made directly so that the tiers' choice does not matter
    [Test]
    public void Evaluator_RandomFormulasAtSpecialPoints_SameBitsAsCompiledCode()
    {
        var names = new[] { "x", "y", "a", "b" };
        for (var seed = 0; seed < 1000; seed++)
        {
            var formula = Formula.FromTree(new RandomTrees(seed, names, signedZeros: seed % 2 == 0).Next(), names);
            var random = new Random(seed);
            var points = Enumerable.Range(0, 16).Select(_ => names.Select(_ => Special[random.Next(Special.Length)]).ToArray()).ToArray();
            var columns = names.Select((_, j) => points.Select(p => p[j]).ToArray()).ToArray();
            var program = Compilation.Program.Lower(formula.Core, formula.Parameters);
            var batch = new double[points.Length];
            program.ToKernel()(columns, batch, 0, points.Length);
            var compiled = Compilation.DelegateCompiler.Compile(Compilation.LinqCompiler.ToArrayLambda(formula.Core, formula.Parameters));
            var gradient = Compilation.Program.LowerGradient(formula.Core, formula.Parameters).ToGradientFunction();
            var compiledGradient = Compilation.Backpropagation.Compile(formula.Core, formula.Parameters, formula.Options.RerollNodes);
            for (var k = 0; k < points.Length; k++)
            {
                var p = points[k];
                var values = new[] { compiled(p), program.Evaluate(p), batch[k] };
                Assert.That(values.All(v => Bits.Same(v, values[0])), Is.True,
                    $"seed {seed}: {formula} at ({Text(p)}): compiled, program, program's batch = {Text(values)}");
                var (expected, actual) = (Gradient(compiledGradient, p), Gradient(gradient, p));
                Assert.That(expected.Zip(actual).All(v => Bits.Same(v.First, v.Second)), Is.True,
                    $"seed {seed}: gradient of {formula} at ({Text(p)}): compiled {Text(expected)}, program {Text(actual)}");
            }
        }
    }

    // Backpropagate's per-node trace: the trace program (no code generation) against the LINQ-compiled trace, every
    // node's value and gradient (constants' too), on random formulas, some under lets that name a value twice
    [Test]
    public void EvaluatorTrace_RandomFormulasAtSpecialPoints_SameNodeValuesAndGradientsAsCompiledTrace()
    {
        var names = new[] { "x", "y", "a", "b" };
        for (var seed = 0; seed < 600; seed++)
        {
            var trees = new RandomTrees(seed, names, signedZeros: seed % 2 == 0);
            var tree = trees.Next();
            if (seed % 3 == 0)
            {
                // u named twice (v = u) and read by a body that also reads a parameter and a constant
                tree = new Syntax.Let([new Syntax.Binding("u", tree), new Syntax.Binding("v", new Syntax.Variable("u"))],
                    Syntax.Exact.Sum(trees.Next(2), [new Syntax.Variable("v"), Syntax.Exact.Product(new Syntax.Variable("u"), [new Syntax.Number(2.5), new Syntax.Variable("x")])]));
            }

            var formula = Formula.FromTree(tree, names);
            var compiled = Compilation.Backpropagation.CompileTrace(formula.Core, formula.Parameters);
            var program = Compilation.Program.Trace(formula.Core, formula.Parameters);
            var random = new Random(seed);
            for (var k = 0; k < 16; k++)
            {
                var p = names.Select(_ => Special[random.Next(Special.Length)]).ToArray();
                var (expected, actual) = (Compilation.Backpropagation.Run(compiled, formula.Parameters, p), Compilation.Backpropagation.Run(program, formula.Parameters, p));
                double[] Flat(Calculus.BackpropResult r) => [r.Value, .. names.Select(n => r.Gradient[n]), .. r.Values, .. r.Grads];
                var (e, a) = (Flat(expected), Flat(actual));
                Assert.That(e.Length == a.Length && e.Zip(a).All(v => Bits.Same(v.First, v.Second)), Is.True,
                    $"seed {seed}: trace of {formula} at ({Text(p)}): value, gradient, node values, node gradients compiled {Text(e)}, program {Text(a)}");
            }
        }
    }

    // a product read only by a sum or difference is one instruction with it (two roundings, as compiled code);
    // a product read twice stays an instruction of its own
    [TestCase("a*b + c", 1)]
    [TestCase("c - a*b", 1)]
    [TestCase("a*b - c", 1)]
    [TestCase("x**2 + a", 1)]
    [TestCase("let p = a*b in p + p*c", 2)]
    [TestCase("let p = a*b in p + p", 2)]
    public void Evaluator_ProductReadBySum_FusedWithSameBits(string text, int instructions)
    {
        var formula = Formula.Parse(text);
        var program = Compilation.Program.Lower(formula.Core, formula.Parameters);
        Assert.That(program.Length, Is.EqualTo(instructions), $"{text}: instructions");
        var compiled = Compilation.DelegateCompiler.Compile(Compilation.LinqCompiler.ToArrayLambda(formula.Core, formula.Parameters));
        var gradient = Compilation.Program.LowerGradient(formula.Core, formula.Parameters).ToGradientFunction();
        var compiledGradient = Compilation.Backpropagation.Compile(formula.Core, formula.Parameters, formula.Options.RerollNodes);
        var random = new Random(text.Length);
        for (var k = 0; k < 200; k++)
        {
            var p = formula.Parameters.Select(_ => Special[random.Next(Special.Length)]).ToArray();
            var (expected, actual) = (compiled(p), program.Evaluate(p));
            Assert.That(Bits.Same(expected, actual), Is.True, $"{text} at ({Text(p)}): compiled {expected:R}, program {actual:R}");
            var (expectedGradient, actualGradient) = (Gradient(compiledGradient, p), Gradient(gradient, p));
            Assert.That(expectedGradient.Zip(actualGradient).All(v => Bits.Same(v.First, v.Second)), Is.True,
                $"gradient of {text} at ({Text(p)}): compiled {Text(expectedGradient)}, program {Text(actualGradient)}");
        }
    }

    // a negation read only by a sum or difference goes into it (the reverse sweep's contributions of a difference's
    // right side): fewer instructions, the compiled gradient's bits
    [TestCase("100*(y - x**2)**2 + (1 - x)**2 + 100*(a - y**2)**2 + (1 - y)**2")]
    [TestCase("(x - y)*(y - a) - (a - x)/(b - y)")]
    public void EvaluatorGradient_NegatedContributions_FusedWithSameBits(string text)
    {
        var formula = Formula.Parse(text);
        var gradient = Compilation.Program.LowerGradient(formula.Core, formula.Parameters);
        var compiledGradient = Compilation.Backpropagation.Compile(formula.Core, formula.Parameters, formula.Options.RerollNodes);
        var random = new Random(text.Length);
        for (var k = 0; k < 500; k++)
        {
            var p = formula.Parameters.Select(_ => Special[random.Next(Special.Length)]).ToArray();
            var (expected, actual) = (Gradient(compiledGradient, p), Gradient(gradient.ToGradientFunction(), p));
            Assert.That(expected.Zip(actual).All(v => Bits.Same(v.First, v.Second)), Is.True,
                $"gradient of {text} at ({Text(p)}): compiled {Text(expected)}, program {Text(actual)}");
        }
    }

    // blocks of the batch loop: lengths around the block and the vector width, an offset start, and functions
    // with and without a lane-wise form, a value that is a parameter itself or written by the last instruction
    [TestCase("3*x**2 - 4*x + 5", 1)]
    [TestCase("sqrt(abs(x))/(x - 1) + -x", 515)]
    [TestCase("sin(x)**-3 + max(x, 0.5)*log(x)", 1030)]
    [TestCase("let u = x*x in u**0.5 + atan2(u, x) + pi", 2049)]
    [TestCase("3*x + 5 - 2/x + (7 - x)*(x - -0.0)", 517)] // constant operands broadcast: first, second, third of a fused instruction
    [TestCase("5 - 2*x*x + x*2.5 - 1/(x*x) + -0.0*x", 1031)]
    [TestCase("x", 515)]
    [TestCase("let u = x*x in u", 9)]
    public void EvaluatorBatch_LengthsAcrossBlocks_SameBitsAsProgramPerPoint(string text, int length)
    {
        var formula = Formula.Parse(text);
        var x = Enumerable.Range(0, length + 3).Select(i => Special[i % Special.Length] * (1 + (i / 7))).ToArray();
        var program = Compilation.Program.Lower(formula.Core, formula.Parameters);
        var results = new double[x.Length];
        program.ToKernel()([x], results, 3, length);
        for (var k = 3; k < x.Length; k++)
        {
            var expected = program.Evaluate([x[k]]);
            Assert.That(Bits.Same(results[k], expected), Is.True, $"{text} at [{k}] = {x[k]:R}: batch {results[k]:R}, program {expected:R}");
        }
    }
}

/// <summary>
/// The same agreement tests with code generation off, as on NativeAOT, iOS or WebAssembly: every public operation
/// runs the engine's own evaluator (the switch is global, so this fixture never runs beside another).
/// </summary>
[TestFixture]
[NonParallelizable]
public class TierAgreementWithoutCodeGenerationTests : TierAgreementCases
{
    [OneTimeSetUp]
    public void TurnCodeGenerationOff() => Compilation.Tiers.CodeGeneration = false;

    [OneTimeTearDown]
    public void TurnCodeGenerationOn() => Compilation.Tiers.CodeGeneration = Compilation.DelegateCompiler.CanEmit;

    [Test]
    public void Operations_WithoutCodeGeneration_RunTheProgram()
    {
        var formula = Formula.Parse("3*x**2 - 4*x + 5");
        var (compile, typed, gradient) = (formula.Compile(), formula.Compile<Func<double, double>>(), formula.CompileGradient());
        Assert.Multiple(() =>
        {
            Assert.That(RunsTheProgram(compile), Is.True, $"Compile() gave {compile.Method}");
            Assert.That(RunsTheProgram(typed), Is.True, $"Compile<T>() gave {typed.Method}");
            Assert.That(RunsTheProgram(gradient), Is.True, $"CompileGradient() gave {gradient.Method}");
        });
    }

    // a closure over the program: a method of Program or of a class nested in it
    private static bool RunsTheProgram(Delegate d) =>
        d.Method.DeclaringType == typeof(Compilation.Program) || d.Method.DeclaringType?.DeclaringType == typeof(Compilation.Program);
}
