using System.Linq.Expressions;
using Micrograd.Expressions.Calculus;
using Micrograd.Expressions.Compilation;
using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions;

// The formula run: evaluation (the tier is Tiers' choice), compiled delegates, expression trees, batches and gradients.
public sealed partial class Formula
{
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

    // the tier (interpreted, compiled, compiling in the background) is Tiers' choice
    private double Run(double[] values) => tiers.Evaluate(values);

    /// <summary>True once the compiled delegate exists (evaluations then use it).</summary>
    internal bool IsCompiled => tiers.IsCompiled;

    /// <summary>
    /// The compiled formula as a delegate over an array of values in parameter order. The delegate is
    /// compiled once per formula and is safe to call from many threads.
    /// </summary>
    /// <returns>A delegate that reads exactly <c>Parameters.Count</c> values.</returns>
    /// <exception cref="FormulaException">Kind <see cref="FormulaErrorKind.Limit"/>: the formula is larger than <see cref="FormulaOptions.MaxCompiledNodes"/>.</exception>
    public Func<double[], double> Compile() => Compiled("compile", () => tiers.Value);

    /// <summary>Compiles the formula to a delegate with one <c>double</c> parameter per formula parameter.</summary>
    /// <typeparam name="TDelegate">A <c>Func&lt;double, ..., double&gt;</c> with <c>Parameters.Count</c> inputs.</typeparam>
    /// <returns>The delegate.</returns>
    /// <exception cref="ArgumentException">The delegate type does not match the parameters.</exception>
    public TDelegate Compile<TDelegate>()
        where TDelegate : Delegate
    {
        // the expression is made only when compiled code is: the tiers may run the evaluator first, or only
        CheckDelegateType<TDelegate>();
        return Compiled("compile", () => (TDelegate?)tiers.Compile(typeof(TDelegate), () => DelegateCompiler.Compile(ToExpression<TDelegate>()))
            ?? DelegateCompiler.Compile(ToExpression<TDelegate>()));
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
        CheckDelegateType<TDelegate>();
        return Compiled("compile", () => (Expression<TDelegate>)LinqCompiler.ToLambda(typeof(TDelegate), Core, Parameters, Options.RerollNodes));
    }

    // a Func<double, ..., double> with one input per parameter
    private void CheckDelegateType<TDelegate>()
        where TDelegate : Delegate
    {
        var invoke = DelegateCompiler.Signature(typeof(TDelegate));
        var inputs = invoke.GetParameters();
        if (invoke.ReturnType != typeof(double) || inputs.Any(p => p.ParameterType != typeof(double)) || inputs.Length != Parameters.Count)
        {
            throw new ArgumentException(
                $"{typeof(TDelegate).Name} does not match the formula: it needs {Parameters.Count} double input(s) ({string.Join(", ", Parameters)}) and a double result",
                nameof(TDelegate));
        }
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

    // a block-free expression writes every let-bound value at each use, a defined function's body with its
    // arguments at each use of its parameters, and (for queries) rewrites that repeat an argument: refused up
    // front when that is too large, as a compiler or query provider would walk it
    private void CheckInlinedSize(bool forQueries = false)
    {
        var size = WrittenSize.Of(Core, forQueries);
        if (size > Options.MaxCompiledNodes)
        {
            throw new FormulaException(FormulaErrorKind.Limit,
                $"the expression would have {size:0} nodes with every let-bound value and defined function written out at each use, more than the limit (FormulaOptions.MaxCompiledNodes) of {Options.MaxCompiledNodes}");
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

        BatchRunner.Run(Compiled("evaluate in a batch", () => tiers.Batch), x, y, Options.MaxDegreeOfParallelism);
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

        BatchRunner.Run(Compiled("evaluate in a batch", () => tiers.Batch), [.. columns], results, length, Options.MaxDegreeOfParallelism);
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
    public GradientFunction CompileGradient() => Compiled("compile the gradient of", () => tiers.PromotedGradient);

    /// <summary>
    /// One forward and backward pass that reports the value and gradient of every parameter and every
    /// let-bound name, and the whole graph (as micrograd's <c>backward()</c> fills every <c>Value.grad</c>).
    /// </summary>
    /// <param name="values">A value for every parameter.</param>
    /// <returns>The value, the gradient and the per-node results.</returns>
    public BackpropResult Backpropagate(IReadOnlyDictionary<string, double> values) => Compiled("backpropagate through", () => Backpropagation.Run(tiers.Trace, Parameters, Arguments.Bind(Parameters, values)));

    /// <summary>False past <see cref="FormulaOptions.MaxCompiledNodes"/>, where only interpretation runs it.</summary>
    internal bool IsCompilable => tiers.IsCompilable;

    // Compiled code costs time and memory per node far beyond interpretation, so the compiling operations
    // refuse formulas past MaxCompiledNodes up front; Evaluate interprets them instead.
    private T Compiled<T>(string operation, Func<T> work)
    {
        if (!tiers.IsCompilable)
        {
            throw new FormulaException(FormulaErrorKind.Limit,
                $"the formula is too large to {operation}: it has more than {Options.MaxCompiledNodes} nodes, the limit (FormulaOptions.MaxCompiledNodes); Evaluate still interprets it");
        }

        return Guard(work);
    }
}
