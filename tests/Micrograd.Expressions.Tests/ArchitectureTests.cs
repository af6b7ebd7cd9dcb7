using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.RegularExpressions;
using Micrograd.Expressions.Syntax;
using Micrograd.Expressions.Tests.Support;

namespace Micrograd.Expressions.Tests;

/// <summary>
/// The dependency direction of docs/architecture.md: Syntax ← Algebra ← Calculus ← Compilation ← the facade
/// (root) ← Cli. A file may use the folders to its left only; the facade types (<c>Formula</c>,
/// <c>FormulaContext</c>) are used by the facade and above. Read from the source, as the map is.
/// </summary>
[TestFixture]
public partial class ArchitectureTests
{
    private static readonly string[] Layers = ["Syntax", "Algebra", "Calculus", "Compilation"];

    private static IEnumerable<TestCaseData> Files() =>
        Layers.SelectMany((layer, i) => Directory.EnumerateFiles(Path.Combine(Repository.Root(), "src", "Micrograd.Expressions", layer), "*.cs")
            .Order(StringComparer.Ordinal)
            .Select(path => new TestCaseData(layer, i, Path.GetFileName(path)).SetName($"Layer_{layer}_{Path.GetFileNameWithoutExtension(path).Replace('.', '_')}_UsesOnlyEarlierLayers")));

    [TestCaseSource(nameof(Files))]
    public void Layer_File_UsesOnlyEarlierLayers(string layer, int index, string file)
    {
        var text = Strings().Replace(Comments().Replace(File.ReadAllText(Path.Combine(Repository.Root(), "src", "Micrograd.Expressions", layer, file)), ""), "\"\"");
        var later = Layers.Skip(index + 1).Concat(["Autograd", "Nn", "Visual", "Cli"]).ToList();
        var uses = later.Where(l => Regex.IsMatch(text, $@"using (static )?Micrograd\.Expressions\.{l}\b|\b{l}\.[A-Z]")).ToList();
        var facade = FacadeType().Matches(text).Select(m => m.Value).Distinct().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(uses, Is.Empty, $"{layer}/{file} uses later folders: {string.Join(", ", uses)}");
            Assert.That(facade, Is.Empty, $"{layer}/{file} uses the facade: {string.Join(", ", facade)}");
        });
    }

    [Test]
    public void Cli_CommandsAndBatch_DoNotUseEachOther()
    {
        var cli = Path.Combine(Repository.Root(), "src", "Micrograd.Expressions.Cli");
        var batchUsesCommands = Directory.EnumerateFiles(Path.Combine(cli, "Batch"), "*.cs")
            .Where(f => Regex.IsMatch(File.ReadAllText(f), @"Cli\.Commands\b|\bCommands\.[A-Z]")).Select(Path.GetFileName).ToList();
        // the batch command runs the session; no other command reaches into the protocol
        var commandsUseBatch = Directory.EnumerateFiles(Path.Combine(cli, "Commands"), "*.cs")
            .Where(f => Path.GetFileName(f) != "BatchCommand.cs" && Regex.IsMatch(File.ReadAllText(f), @"Cli\.Batch\b|\bBatch\.[A-Z]")).Select(Path.GetFileName).ToList();
        // the operations are the pipeline both front ends call: they know neither the command line nor JSON
        var operationsUseFrontEnds = Directory.EnumerateFiles(Path.Combine(cli, "Operations"), "*.cs")
            .Where(f => Regex.IsMatch(File.ReadAllText(f), @"Cli\.(Commands|Batch)\b|System\.CommandLine|JsonElement|JsonDocument")).Select(Path.GetFileName).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(batchUsesCommands, Is.Empty, "Batch files that use Commands");
            Assert.That(commandsUseBatch, Is.Empty, "Commands files that use Batch");
            Assert.That(operationsUseFrontEnds, Is.Empty, "Operations files that use a front end (Commands, Batch, System.CommandLine, a JSON request)");
        });
    }

    // "one error path": only Failures turns an exception into a failure, and only it writes the `mgx: ` prefix
    // (the root command's description aside)
    [Test]
    public void Cli_ErrorPath_OnlyFailuresDescribesExceptionsAndWritesThePrefix()
    {
        var cli = Path.Combine(Repository.Root(), "src", "Micrograd.Expressions.Cli");
        var files = Directory.EnumerateFiles(cli, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)).ToList();
        var prefix = files.Where(f => Path.GetFileName(f) != "Failures.cs" && Regex.IsMatch(File.ReadAllText(f), @"""mgx: (?!evaluate and differentiate)")).Select(Path.GetFileName).ToList();
        // a catch of one exception type words that failure itself; every catch-all hands the exception to Failures
        var catchers = files.Where(f => Path.GetFileName(f) != "Failures.cs"
            && Regex.Matches(File.ReadAllText(f), @"catch \(Exception e\)\s*\{\s*(?<body>[^}]*)\}").Any(m => !m.Groups["body"].Value.Contains("Failures.", StringComparison.Ordinal)))
            .Select(Path.GetFileName).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(prefix, Is.Empty, "files that write the `mgx: ` prefix themselves");
            Assert.That(catchers, Is.Empty, "files that catch every exception and describe it themselves");
        });
    }

    private static readonly Assembly[] Products = [typeof(Formula).Assembly, typeof(Cli.Program).Assembly];

    // "DelegateCompiler.cs the one place a LINQ lambda becomes a delegate": no other class of the library or the
    // CLI calls LambdaExpression.Compile or FastExpressionCompiler
    [Test]
    public void DelegateCompiler_LambdaToDelegate_NoOtherClassCompiles()
    {
        var outside = Products.SelectMany(a => CallSites.Calls(a, m =>
                (m.Name.StartsWith("Compile", StringComparison.Ordinal) && typeof(LambdaExpression).IsAssignableFrom(m.DeclaringType))
                || m.DeclaringType?.Namespace?.StartsWith("FastExpressionCompiler", StringComparison.Ordinal) == true))
            .Where(c => c.Caller != "DelegateCompiler").ToList();
        Assert.That(outside, Is.Empty, $"lambdas compiled outside DelegateCompiler: {string.Join(", ", outside)}");
    }

    // "a row's local derivative is read by the differentiator and reverse mode only": Differentiator.Partial (the
    // template with the arguments put in), reverse mode's tape (the template lowered over the operands' values) and
    // the evaluator's reverse sweep (the same template as instructions)
    [Test]
    public void FunctionDerivative_Readers_OnlyDifferentiatorAndReverseMode()
    {
        var readers = Products.SelectMany(a => CallSites.Calls(a, m => m.DeclaringType == typeof(Function) && m.Name == "Derivative"))
            .Select(c => c.Caller).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.That(readers, Is.EqualTo(new[] { "Backpropagation", "Differentiator", "Program" }), $"readers of Function.Derivative: {string.Join(", ", readers)}");
    }

    // "Guards.cs the stack guard, with its one wording": no other class asks whether the stack has room or throws
    // InsufficientExecutionStackException itself (records' compiler-written members call EnsureSufficientExecutionStack,
    // which is not asked for)
    [Test]
    public void Guards_StackCheck_NoOtherClassAsks()
    {
        var outside = Products.SelectMany(a => CallSites.Calls(a, m =>
                (m.DeclaringType == typeof(System.Runtime.CompilerServices.RuntimeHelpers) && m.Name == "TryEnsureSufficientExecutionStack")
                || (m is ConstructorInfo && m.DeclaringType == typeof(InsufficientExecutionStackException))))
            .Where(c => c.Caller != "Guards").ToList();
        Assert.That(outside, Is.Empty, $"stack checks outside Guards: {string.Join(", ", outside)}");
    }

    // "a row's query form ... read by LinqCompiler for query providers and by WrittenSize": the function table is
    // the one home of what query providers are given for a function they lack
    [Test]
    public void FunctionQueryForm_Readers_OnlyCompilerAndWrittenSize()
    {
        var readers = Products.SelectMany(a => CallSites.Calls(a, m => m.DeclaringType == typeof(Function) && m.Name == "get_QueryForm"))
            .Select(c => c.Caller).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.That(readers, Is.EqualTo(new[] { "LinqCompiler", "WrittenSize" }), $"readers of Function.QueryForm: {string.Join(", ", readers)}");
    }

    // "NumberText.cs round-trip numbers": every number written to be read back (formulas in every dialect through
    // the printer, JSON replies, Value's text) is NumberText's; the classes below format doubles for display at a
    // fixed precision and are named, so a new formatter of doubles fails here until it is one or the other
    private static readonly Dictionary<string, string> Displays = new()
    {
        ["Formula"] = "a limit message's node count",
        ["GraphDot"] = "Graphviz labels at micrograd's four decimals",
        ["LabelledPoints"] = "the line and column of bad training data",
        ["Trainer"] = "training progress: loss and accuracy",
        ["TrainCommand"] = "training progress",
        ["Pictures"] = "the training picture's legend",
        ["CheckCommand"] = "the derivative table's columns",
        ["Graphviz"] = "Graphviz's time limit in a message",
    };

    [Test]
    public void NumberText_DoublesToText_NoOtherClassFormatsForReadingBack()
    {
        var outside = Products.SelectMany(a => CallSites.Calls(a, m =>
                (m.DeclaringType == typeof(double) && m.Name is "ToString" or "TryFormat")
                || (m is MethodInfo { IsGenericMethod: true } g && g.Name == "AppendFormatted" && g.GetGenericArguments()[0] == typeof(double))))
            .Where(c => c.Caller is not ("NumberText" or "Printer") && !Displays.ContainsKey(c.Caller)).ToList();
        Assert.That(outside, Is.Empty, $"doubles formatted outside NumberText and the named displays: {string.Join(", ", outside)}");
    }

    // One sample per node kind: a kind added to Expr.cs without one fails the first test, and the second runs every
    // operation over each kind, so a switch that misses a case fails here, not at a user's run time.
    private static readonly Dictionary<Type, string> Samples = new()
    {
        [typeof(Number)] = "2.5",
        [typeof(Variable)] = "x",
        [typeof(Sum)] = "x + y - 1",
        [typeof(Product)] = "x*y/3",
        [typeof(Power)] = "x**y",
        [typeof(Call)] = "sin(x) + max(x, y) + pi",
        [typeof(Let)] = "let u = x*y in u + u",
        [typeof(Lambda)] = "let f t = t*x in f(y) + f(2)",
    };

    private static IEnumerable<Type> NodeKinds() =>
        typeof(Expr).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Expr)) && !t.IsAbstract).OrderBy(t => t.Name, StringComparer.Ordinal);

    [Test]
    public void Expr_EveryNodeKind_HasASample() =>
        Assert.That(NodeKinds(), Is.EquivalentTo(Samples.Keys), "node kinds of Expr.cs and the samples of this test");

    [TestCaseSource(nameof(NodeKinds))]
    public void Expr_NodeKind_EveryOperationHandlesIt(Type kind)
    {
        var text = Samples.GetValueOrDefault(kind) ?? throw new AssertionException($"no sample for {kind.Name}");
        var f = Formula.Parse($"fun x y -> {text}");
        var again = Formula.Parse($"fun x y -> {text}");
        double[] at = [0.7, 1.3];
        var expected = Compilation.Interpreter.Evaluate(f.Core, f.Parameters, at);
        var batch = new double[1];
        f.EvaluateBatch([[at[0]], [at[1]]], batch);
        var gradient = new double[2];
        var compiledValue = f.CompileGradient()(at, gradient);
        var backpropagated = f.Backpropagate(new Dictionary<string, double> { ["x"] = at[0], ["y"] = at[1] });
        var values = new Dictionary<string, double>
        {
            ["Compile"] = f.Compile()(at),
            ["EvaluateBatch"] = batch[0],
            ["CompileGradient"] = compiledValue,
            ["Backpropagate"] = backpropagated.Value,
            ["ToExpression"] = Expression.Lambda<Func<double>>(f.ToExpression(n => Expression.Constant(at[n == "x" ? 0 : 1]))).Compile()(),
            ["Simplify"] = f.Simplify().Evaluate(at),
            ["printed and read back"] = Formula.Parse($"fun x y -> {f}").Evaluate(at),
            ["Inliner.Inline"] = Compilation.Interpreter.Evaluate(Inliner.Inline(f.Core), f.Parameters, at),
        };
        var derivative = f.Derivative("x").Evaluate(at);
        var numeric = Calculus.FiniteDifferences.Partial(f.Compile(), at, 0, Calculus.DifferenceMethod.Richardson);
        Assert.Multiple(() =>
        {
            Assert.That(Nodes.Walk(f.Tree).Any(n => n.GetType() == kind), Is.True, $"the sample {text} has a {kind.Name}");
            Assert.That((f.Tree.Equals(again.Tree), f.Tree.GetHashCode() == again.Tree.GetHashCode()), Is.EqualTo((true, true)), $"{text}: equality and hash");
            Assert.That(FreeNames.Of(f.Core).Order(StringComparer.Ordinal), Is.SubsetOf(new[] { "x", "y" }), $"{text}: free names");
            foreach (var (operation, value) in values)
            {
                Assert.That(Bits.Same(expected, value), Is.True, $"{text}: {operation} gives {Bits.Show(value)}, the interpreter {Bits.Show(expected)}");
            }

            Assert.That(Numeric.Agree(derivative, numeric) && Numeric.Agree(gradient[0], numeric) && Numeric.Agree(backpropagated.Gradient["x"], numeric), Is.True,
                string.Create(CultureInfo.InvariantCulture, $"{text}: d/dx {derivative:R}, CompileGradient {gradient[0]:R}, Backpropagate {backpropagated.Gradient["x"]:R}, numeric {numeric.Value:R}"));
            foreach (var dialect in Enum.GetValues<Dialect>())
            {
                Assert.That(f.ToString(dialect.ToString() == "CSharp" ? "C#" : dialect.ToString()), Is.Not.Empty.And.Not.Contains("Micrograd.Expressions"), $"{text} in {dialect}");
            }
        });
    }

    [GeneratedRegex(@"//[^\n]*")]
    private static partial Regex Comments();

    // string literals (messages name public API), one line each
    [GeneratedRegex(@"""(?:[^""\\\n]|\\.)*""")]
    private static partial Regex Strings();

    // the facade's types in code: FormulaContext anywhere; Formula as a type or a receiver of its static members
    [GeneratedRegex(@"\bFormulaContext\b|\bFormula(?=\s+\w+\s*[,)=;])|\bFormula\.(Parse|FromTree|TryParse)\b")]
    private static partial Regex FacadeType();
}
