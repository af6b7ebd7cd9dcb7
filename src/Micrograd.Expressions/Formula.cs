using System.Diagnostics.CodeAnalysis;
using System.Linq.Expressions;
using Micrograd.Expressions.Algebra;
using Micrograd.Expressions.Calculus;
using Micrograd.Expressions.Compilation;
using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions;

/// <summary>
/// A parsed formula: an immutable syntax tree with its ordered parameters. Instances are immutable and
/// safe to share between threads; compiled delegates are cached and thread-safe too.
/// </summary>
/// <example>
/// <code>
/// var f = Formula.Parse("3*x**2 - 4*x + 5");
/// double y = f.Evaluate(3.0);                 // 20
/// var df = f.Derivative("x");                 // 6*x - 4
/// </code>
/// </example>
public sealed partial class Formula : IEquatable<Formula>, IFormattable
{
    private readonly Lazy<Func<double[], double>> compiled;
    private readonly Lazy<GradientFunction> gradient;
    private readonly Lazy<BatchCompiler.Kernel> batch;

    // core: the tree with local functions written out, when the caller has it (a derivative or simplification is
    // built from a core tree and is its own); else it is computed here
    private Formula(Expr tree, IReadOnlyList<string> parameters, FormulaOptions? options = null, FormulaContext? context = null, Expr? core = null)
    {
        Tree = tree;
        Parameters = parameters;
        Options = options ?? FormulaOptions.Default;
        Context = context ?? FormulaContext.Default;
        Core = core ?? LocalFunctions.Expand(tree, parameters, Options.MaxResultNodes);
        compiled = new Lazy<Func<double[], double>>(
            () => CompileCache.GetOrCompile(Core, Parameters, () => DelegateCompiler.Compile(LinqCompiler.ToArrayLambda(Core, Parameters, Options.RerollNodes))),
            LazyThreadSafetyMode.ExecutionAndPublication);
        gradient = new Lazy<GradientFunction>(() => Backpropagation.Compile(Core, Parameters, Options.RerollNodes), LazyThreadSafetyMode.ExecutionAndPublication);
        batch = new Lazy<BatchCompiler.Kernel>(() => BatchCompiler.CompileOrFallBack(Core, Parameters, () => compiled.Value), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The syntax tree, as read: local functions are <see cref="Lambda"/> bindings and calls of them.</summary>
    public Expr Tree { get; }

    /// <summary>
    /// The tree every operation works on: <see cref="Tree"/> with each call of a local function written as its body
    /// (the same tree when the formula defines none).
    /// </summary>
    internal Expr Core { get; }

    /// <summary>The functions and constants the formula was read with; its derivatives and simplifications keep it.</summary>
    public FormulaContext Context { get; }

    /// <summary>
    /// The parameter names in call order: those of the <c>fun</c> header, or else the free names in order of
    /// first appearance.
    /// </summary>
    public IReadOnlyList<string> Parameters { get; }

    /// <summary>
    /// The limits this formula was read with; the formulas computed from it (derivatives, simplifications)
    /// keep them. <see cref="FormulaOptions.Default"/> for trees wrapped by <see cref="FromTree"/>.
    /// </summary>
    public FormulaOptions Options { get; }

    /// <summary>Reads formula text.</summary>
    /// <param name="text">The formula, e.g. <c>3*x**2 - 4*x + 5</c>; see docs/language.md.</param>
    /// <param name="options">Limits; <see cref="FormulaOptions.Default"/> when null.</param>
    /// <returns>The formula.</returns>
    /// <exception cref="FormulaSyntaxException">The text is not a formula, or exceeds a limit; the exception has the line and column.</exception>
    public static Formula Parse(string text, FormulaOptions? options = null) =>
        Parse(text, FormulaContext.Default, options ?? FormulaOptions.Default, null, null);

    /// <summary>Reads formula text that may call the functions and constants of a context.</summary>
    /// <param name="text">The formula; see docs/language.md.</param>
    /// <param name="context">The functions, constants and limits; an unknown function is an error that lists this context's.</param>
    /// <returns>The formula; its derivatives keep the context, so they print, parse back with it and compile.</returns>
    /// <exception cref="FormulaSyntaxException">The text is not a formula of this context, or exceeds a limit.</exception>
    public static Formula Parse(string text, FormulaContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Parse(text, context, context.Options, null, null);
    }

    private static Formula Parse(string text, FormulaContext context, FormulaOptions options, IReadOnlyList<string>? header, string? defining)
    {
        var (tree, parameters, core) = Reader.Read(text, context.Table, options, header, defining);
        return new Formula(tree, parameters, options, context, core);
    }

    /// <summary>Reads formula text without throwing on a bad formula.</summary>
    /// <param name="text">The formula text.</param>
    /// <param name="formula">The formula when the text is valid.</param>
    /// <param name="error">The error, with line and column, when it is not.</param>
    /// <param name="options">Limits; <see cref="FormulaOptions.Default"/> when null.</param>
    /// <returns>True when the text is a formula.</returns>
    public static bool TryParse(
        string? text,
        [NotNullWhen(true)] out Formula? formula,
        [NotNullWhen(false)] out FormulaSyntaxException? error,
        FormulaOptions? options = null)
    {
        if (text is null)
        {
            formula = null;
            error = new FormulaSyntaxException(FormulaErrorKind.Syntax, "there is no formula text (null)", "", 1, 1);
            return false;
        }

        try
        {
            formula = Parse(text, options);
            error = null;
            return true;
        }
        catch (FormulaSyntaxException e)
        {
            formula = null;
            error = e;
            return false;
        }
    }

    /// <summary>Wraps a tree built in code.</summary>
    /// <param name="tree">The tree.</param>
    /// <param name="parameters">The parameter order; the free names in order of first appearance when null.</param>
    /// <param name="options">The limits of the operations on the formula; <see cref="FormulaOptions.Default"/> when null.</param>
    /// <returns>The formula.</returns>
    public static Formula FromTree(Expr tree, IEnumerable<string>? parameters = null, FormulaOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tree);
        var free = FreeNames.Of(tree);
        if (parameters is null)
        {
            return new Formula(tree, free, options);
        }

        var list = parameters.ToList();
        var missing = free.Except(list).ToList();
        if (missing.Count > 0)
        {
            throw new FormulaException(FormulaErrorKind.Name,
                $"the tree uses {string.Join(", ", missing.Select(m => $"`{m}`"))}, which is not among the parameters {string.Join(", ", list)}");
        }

        return new Formula(tree, list, options);
    }

    /// <summary>Evaluates the formula with named values.</summary>
    /// <param name="values">A value for every parameter, and nothing else.</param>
    /// <returns>The value; NaN or ±Infinity where IEEE arithmetic gives them (<c>log(-1)</c>, <c>1/0</c>).</returns>
    /// <exception cref="FormulaException">A parameter has no value, or a name is not a parameter (kind <see cref="FormulaErrorKind.Name"/>).</exception>
    public double Evaluate(IReadOnlyDictionary<string, double> values) => Run(Arguments.Bind(Parameters, values));

    /// <summary>Evaluates the formula with values in parameter order.</summary>
    /// <param name="values">One value per parameter, in the order of <see cref="Parameters"/>.</param>
    /// <returns>The value.</returns>
    /// <exception cref="FormulaException">The count differs from the number of parameters (kind <see cref="FormulaErrorKind.Arity"/>).</exception>
    public double Evaluate(params double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        Arguments.CheckCount(Parameters, values.Length);
        return Run(values);
    }

    // The first few evaluations walk the tree (microseconds); later ones use the compiled delegate, which
    // costs tens of microseconds to build and then nanoseconds per call. Both give the same bits. A large
    // formula (milliseconds or more to compile) compiles on the thread pool while evaluations go on interpreted.
    private double Run(double[] values)
    {
        if (compiled.IsValueCreated)
        {
            return compiled.Value(values);
        }

        if (Interlocked.Increment(ref evaluations) > InterpretedEvaluations && IsCompilable)
        {
            if (!IsLarge)
            {
                return Compile()(values);
            }

            if (Interlocked.Exchange(ref compiling, 1) == 0)
            {
                // a failure is kept by the Lazy and reported by Compile(); evaluation goes on interpreted
                _ = Task.Run(() => compiled.Value).ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
            }
        }

        try
        {
            return Interpreter.Evaluate(Core, Parameters, values);
        }
        catch (InsufficientExecutionStackException) when (IsCompilable)
        {
            return Compile()(values);
        }
    }

    private int compiling;

    /// <summary>True once the compiled delegate exists (evaluations then use it).</summary>
    internal bool IsCompiled => compiled.IsValueCreated;

    // as large as the compilers split into several methods
    private bool IsLarge => large ??= Nodes.Walk(Core, distinct: false).Skip(LinqCompiler.MaxMethodNodes).Any();

    private bool? large;

    private const int InterpretedEvaluations = 16;
    private int evaluations;

    /// <summary>
    /// The compiled formula as a delegate over an array of values in parameter order. The delegate is
    /// compiled once per formula and is safe to call from many threads.
    /// </summary>
    /// <returns>A delegate that reads exactly <c>Parameters.Count</c> values.</returns>
    /// <exception cref="FormulaException">Kind <see cref="FormulaErrorKind.Limit"/>: the formula is larger than <see cref="FormulaOptions.MaxCompiledNodes"/>.</exception>
    public Func<double[], double> Compile() => Compiled("compile", () => compiled.Value);

    /// <summary>Compiles the formula to a delegate with one <c>double</c> parameter per formula parameter.</summary>
    /// <typeparam name="TDelegate">A <c>Func&lt;double, ..., double&gt;</c> with <c>Parameters.Count</c> inputs.</typeparam>
    /// <returns>The delegate.</returns>
    /// <exception cref="ArgumentException">The delegate type does not match the parameters.</exception>
    public TDelegate Compile<TDelegate>()
        where TDelegate : Delegate
    {
        return Compiled("compile", () => DelegateCompiler.Compile(ToExpression<TDelegate>()));
    }

    /// <summary>
    /// The LINQ expression tree that <see cref="Compile{TDelegate}"/> compiles, to inspect, rewrite or compile
    /// with another compiler. It may contain blocks and locals (let-bound values are computed once).
    /// </summary>
    /// <typeparam name="TDelegate">A <c>Func&lt;double, ..., double&gt;</c> with <c>Parameters.Count</c> inputs.</typeparam>
    /// <returns>The lambda, its parameters named as the formula's.</returns>
    /// <exception cref="ArgumentException">The delegate type does not match the parameters.</exception>
    /// <exception cref="FormulaException">Kind <see cref="FormulaErrorKind.Limit"/>: larger than <see cref="FormulaOptions.MaxCompiledNodes"/>.</exception>
    public Expression<TDelegate> ToExpression<TDelegate>()
        where TDelegate : Delegate
    {
        var invoke = typeof(TDelegate).GetMethod("Invoke")!;
        var inputs = invoke.GetParameters();
        if (invoke.ReturnType != typeof(double) || inputs.Any(p => p.ParameterType != typeof(double)) || inputs.Length != Parameters.Count)
        {
            throw new ArgumentException(
                $"{typeof(TDelegate).Name} does not match the formula: it needs {Parameters.Count} double input(s) ({string.Join(", ", Parameters)}) and a double result",
                nameof(TDelegate));
        }

        return Compiled("compile", () => (Expression<TDelegate>)LinqCompiler.ToLambda(typeof(TDelegate), Core, Parameters, Options.RerollNodes));
    }

    /// <summary>
    /// The formula as one expression of type <c>double</c> over expressions of the caller's for its parameters
    /// (for example member accesses <c>p.X</c> of the caller's own lambda parameter), to splice into a lambda,
    /// a <c>Where</c> clause or a query provider. It has no <see cref="BlockExpression"/> and no parameters or
    /// variables of its own: let-bound values are written at each use. Compiled inside the caller's lambda it
    /// gives the bits of <see cref="Evaluate(double[])"/>.
    /// </summary>
    /// <param name="argument">The expression (of type <c>double</c>) for each parameter name.</param>
    /// <returns>The expression.</returns>
    /// <exception cref="FormulaException">
    /// Kind <see cref="FormulaErrorKind.Limit"/>: written out with every let-bound value at each use, the
    /// expression would have more than <see cref="FormulaOptions.MaxCompiledNodes"/> nodes.
    /// </exception>
    public Expression ToExpression(Func<string, Expression> argument)
    {
        ArgumentNullException.ThrowIfNull(argument);
        CheckInlinedSize();
        return Guard(() => LinqCompiler.BlockFree(Core, argument));
    }

    // a block-free expression writes every let-bound value at each use: refused up front when that is too large
    private void CheckInlinedSize()
    {
        var size = Budget.TextLength(Inliner.Inline(Core), e => e is Call { Function.Body: { } body } ? Nodes.Walk(body, distinct: false).Count() : 1);
        if (size > Options.MaxCompiledNodes)
        {
            throw new FormulaException(FormulaErrorKind.Limit,
                $"the expression would have {size:0} nodes with every let-bound value written at each use, more than the limit (FormulaOptions.MaxCompiledNodes) of {Options.MaxCompiledNodes}");
        }
    }

    /// <summary>
    /// Evaluates a one-parameter formula at many points: <c>y[i] = f(x[i])</c>. Compiled once into a single
    /// loop (on <see cref="System.Numerics.Vector{T}"/> lanes when every operation allows), each result
    /// equal to <see cref="Evaluate(double[])"/> at that point.
    /// </summary>
    /// <param name="x">The inputs.</param>
    /// <param name="y">Receives the results; at least as long as <paramref name="x"/>.</param>
    /// <exception cref="FormulaException">The formula does not have exactly one parameter.</exception>
    /// <exception cref="ArgumentException"><paramref name="y"/> is shorter than <paramref name="x"/>.</exception>
    public void EvaluateBatch(double[] x, double[] y)
    {
        ArgumentNullException.ThrowIfNull(x);
        Arguments.CheckCount(Parameters, 1);
        EvaluateBatch([x], y);
    }

    /// <summary>
    /// Evaluates a one-parameter formula at many points, from spans: the points pass through pooled arrays
    /// in chunks of 4,096, so prefer the array overload when the data already is in arrays. Large inputs are
    /// split across cores as for the array overload.
    /// </summary>
    /// <param name="x">The inputs.</param>
    /// <param name="y">Receives the results; at least as long as <paramref name="x"/>.</param>
    public void EvaluateBatch(ReadOnlySpan<double> x, Span<double> y)
    {
        Arguments.CheckCount(Parameters, 1);
        if (y.Length < x.Length)
        {
            throw new ArgumentException($"the output has {y.Length} elements, fewer than the {x.Length} inputs", nameof(y));
        }

        BatchRunner.Run(Compiled("evaluate in a batch", () => batch.Value), x, y, Options.MaxDegreeOfParallelism);
    }

    /// <summary>
    /// Evaluates at many points given as columns, one array per parameter in parameter order:
    /// <c>results[i] = f(columns[0][i], columns[1][i], ...)</c>, compiled into one loop. From 131,072 points
    /// on, the points are split across cores (<see cref="FormulaOptions.MaxDegreeOfParallelism"/>), each a
    /// contiguous range of whole cache lines; the results are the same bits as on one core.
    /// </summary>
    /// <param name="columns">One column per parameter, all of the same length.</param>
    /// <param name="results">Receives the results; at least as long as the columns.</param>
    public void EvaluateBatch(IReadOnlyList<double[]> columns, double[] results)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(results);
        Arguments.CheckCount(Parameters, columns.Count);
        var length = columns.Count == 0 ? results.Length : columns[0].Length;
        if (columns.Any(c => c is null || c.Length != length))
        {
            throw new ArgumentException("every column must have the same length", nameof(columns));
        }

        if (results.Length < length)
        {
            throw new ArgumentException($"the output has {results.Length} elements, fewer than the {length} points", nameof(results));
        }

        BatchRunner.Run(Compiled("evaluate in a batch", () => batch.Value), [.. columns], results, length, Options.MaxDegreeOfParallelism);
    }

    /// <summary>
    /// The value and the whole gradient in one call, by reverse-mode differentiation compiled to one LINQ
    /// expression tree (forward sweep, then reverse sweep). The delegate allocates nothing per call, is
    /// compiled once per formula and is safe to call from many threads.
    /// </summary>
    /// <returns><c>(point, gradient) => value</c>; <c>gradient</c> must have <c>Parameters.Count</c> elements.</returns>
    /// <example>
    /// <code>
    /// var grad = Formula.Parse("a*b + c").CompileGradient();
    /// var g = new double[3];
    /// double value = grad([2, -3, 10], g);   // 4; g = [-3, 2, 1]
    /// </code>
    /// </example>
    public GradientFunction CompileGradient() => Compiled("compile the gradient of", () => gradient.Value);

    /// <summary>
    /// One forward and backward pass that reports the value and gradient of every parameter and every
    /// let-bound name, and the whole graph (as micrograd's <c>backward()</c> fills every <c>Value.grad</c>).
    /// </summary>
    /// <param name="values">A value for every parameter.</param>
    /// <returns>The value, the gradient and the per-node results.</returns>
    public BackpropResult Backpropagate(IReadOnlyDictionary<string, double> values) => Compiled("backpropagate through", () => Backpropagation.Run(Core, Parameters, Arguments.Bind(Parameters, values)));

    // Compiled code costs time and memory per node far beyond interpretation, so the compiling operations
    // refuse formulas past MaxCompiledNodes up front; Evaluate interprets them instead.
    private T Compiled<T>(string operation, Func<T> work)
    {
        if (!IsCompilable)
        {
            throw new FormulaException(FormulaErrorKind.Limit,
                $"the formula is too large to {operation}: it has more than {Options.MaxCompiledNodes} nodes, the limit (FormulaOptions.MaxCompiledNodes); Evaluate still interprets it");
        }

        return Guard(work);
    }

    // nodes as the compilers lower them (a let-bound value once, a subtree shared by reference at each use)
    private bool IsCompilable => compilable ??= !Nodes.Walk(Core, distinct: false).Skip(Options.MaxCompiledNodes).Any();

    private bool? compilable;

    /// <summary>
    /// The symbolic derivative with respect to one parameter, simplified, with the same parameters as this
    /// formula (so it evaluates with the same arguments). Repeated subexpressions of the result are written
    /// once, as <c>let</c> bindings.
    /// </summary>
    /// <param name="variable">The parameter; a name that does not occur gives the formula <c>0</c>.</param>
    /// <param name="order">How many times to differentiate; 0 returns this formula.</param>
    /// <returns>The derivative.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The order is negative.</exception>
    /// <exception cref="FormulaException">
    /// Kind <see cref="FormulaErrorKind.Limit"/>: the order exceeds <see cref="FormulaOptions.MaxOrder"/>, or the
    /// derivative would exceed <see cref="FormulaOptions.MaxResultNodes"/>.
    /// </exception>
    public Formula Derivative(string variable, int order = 1)
    {
        ArgumentNullException.ThrowIfNull(variable);
        ArgumentOutOfRangeException.ThrowIfNegative(order);
        if (order > Options.MaxOrder)
        {
            throw new FormulaException(FormulaErrorKind.Limit,
                $"the order {order} exceeds the limit (FormulaOptions.MaxOrder) of {Options.MaxOrder}");
        }

        var tree = Core;
        using var work = Work.Begin(Options);
        for (var i = 0; i < order && tree is not Number { Value: 0 }; i++)
        {
            tree = Guard(() => Differentiator.Differentiate(tree, variable));
            Budget.CheckResult(tree, Options, $"the derivative of order {i + 1}");
        }

        return new Formula(tree, Parameters, Options, Context, core: tree);
    }

    /// <summary>Every first partial derivative, in parameter order.</summary>
    /// <returns>One formula per parameter.</returns>
    /// <exception cref="FormulaException">
    /// Kind <see cref="FormulaErrorKind.Limit"/>: the derivatives together take more than
    /// <see cref="FormulaOptions.MaxSymbolicBytes"/> of work (one budget for the whole gradient).
    /// </exception>
    public IReadOnlyList<Formula> Gradient()
    {
        using var work = Work.Begin(Options);
        return [.. Parameters.Select(p => Derivative(p))];
    }

    /// <summary>The matrix of second partial derivatives; entry [i, j] is d²f/dxi dxj, and the matrix is symmetric.</summary>
    /// <returns>A square matrix of size <c>Parameters.Count</c>.</returns>
    /// <exception cref="FormulaException">
    /// Kind <see cref="FormulaErrorKind.Limit"/>: the derivatives together take more than
    /// <see cref="FormulaOptions.MaxSymbolicBytes"/> of work (one budget for the whole matrix).
    /// </exception>
    public Formula[,] Hessian()
    {
        using var work = Work.Begin(Options);
        var n = Parameters.Count;
        if ((long)n * n > Options.MaxResultNodes)
        {
            throw new FormulaException(FormulaErrorKind.Limit,
                $"a Hessian of {n} parameters has {(long)n * n} entries, more than the limit (FormulaOptions.MaxResultNodes) of {Options.MaxResultNodes}");
        }

        var gradient = Gradient();
        var hessian = new Formula[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = i; j < n; j++)
            {
                hessian[i, j] = hessian[j, i] = gradient[i].Derivative(Parameters[j]);
            }
        }

        return hessian;
    }

    /// <summary>
    /// The formula rebuilt through the simplification rules: constants folded, 0 and 1 identities, like terms
    /// and like factors combined, unused bindings dropped. Equal in exact arithmetic; rounding may differ.
    /// </summary>
    /// <returns>The simplified formula, with the same parameters.</returns>
    public Formula Simplify()
    {
        using var work = Work.Begin(Options);
        var tree = Guard(() => Simplifier.Simplify(Core));
        Budget.CheckResult(tree, Options, "the simplified formula");
        return new Formula(tree, Parameters, Options, Context, core: tree);
    }

    // the documented error for a tree too deep for the current thread's stack
    private static T Guard<T>(Func<T> operation)
    {
        try
        {
            return operation();
        }
        catch (InsufficientExecutionStackException e)
        {
            throw new FormulaException(FormulaErrorKind.Limit, $"the formula nests too deeply for this thread's stack: {e.Message}");
        }
    }

    /// <summary>The canonical text: the formula language with the fewest parentheses; it parses back to an equal tree.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Header() + Guard(() => Printer.Print(Tree, Dialect.Formula, Options));

    // "fun e x -> " when a parameter shadows a constant: without it, the text would read the constant back
    private string Header() =>
        Parameters.Any(p => Context.TryLookup(p, out var f) && f.IsConstant)
            ? $"fun {string.Join(" ", Parameters)} -> "
            : "";

    /// <summary>
    /// The formula as text in a dialect: <c>"G"</c> (default, the formula language), <c>"C#"</c>,
    /// <c>"LaTeX"</c>, <c>"DynamicLinq"</c> or <c>"SQL"</c> (case-insensitive; <c>csharp</c> and <c>dynamic-linq</c> also work).
    /// Numbers never depend on the culture; <paramref name="formatProvider"/> is ignored.
    /// </summary>
    /// <param name="format">The dialect name.</param>
    /// <param name="formatProvider">Ignored.</param>
    /// <returns>The text.</returns>
    /// <exception cref="FormatException">The format is not one of the dialects.</exception>
    public string ToString(string? format, IFormatProvider? formatProvider = null)
    {
        var dialect = ParseDialect(format);
        return (dialect == Dialect.Formula ? Header() : "") + Guard(() => Printer.Print(dialect == Dialect.Formula ? Tree : Core, dialect, Options));
    }

    /// <summary>Reads a dialect name as accepted by <see cref="ToString(string?, IFormatProvider?)"/>.</summary>
    /// <param name="format">The name.</param>
    /// <returns>The dialect.</returns>
    /// <exception cref="FormatException">Unknown name.</exception>
    public static Dialect ParseDialect(string? format) =>
        TryParseDialect(format, out var dialect) ? dialect : throw new FormatException($"unknown format `{format}`; use {DialectNames}");

    /// <summary>Reads a dialect name as accepted by <see cref="ToString(string?, IFormatProvider?)"/>, without throwing.</summary>
    /// <param name="format">The name; null or empty is the formula language.</param>
    /// <param name="dialect">The dialect, when the name is known.</param>
    /// <returns>True when the name is one of the dialects.</returns>
    public static bool TryParseDialect(string? format, out Dialect dialect)
    {
        Dialect? known = format?.Trim().ToUpperInvariant() switch
        {
            null or "" or "G" or "FORMULA" => Dialect.Formula,
            "C#" or "CSHARP" or "CS" => Dialect.CSharp,
            "LATEX" or "TEX" => Dialect.LaTeX,
            "DYNAMICLINQ" or "DYNAMIC-LINQ" or "LINQ" => Dialect.DynamicLinq,
            "SQL" => Dialect.Sql,
            _ => null,
        };
        dialect = known ?? Dialect.Formula;
        return known is not null;
    }

    /// <summary>The dialect names, as listed in messages.</summary>
    public const string DialectNames = "G (formula), C# (csharp), LaTeX, DynamicLinq (dynamic-linq) or SQL";

    /// <inheritdoc/>
    public bool Equals(Formula? other) =>
        other is not null && Tree.Equals(other.Tree) && Parameters.SequenceEqual(other.Parameters);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Formula);

    /// <inheritdoc/>
    public override int GetHashCode() => Tree.GetHashCode();
}
