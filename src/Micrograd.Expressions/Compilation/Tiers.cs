using Micrograd.Expressions.Calculus;
using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions.Compilation;

/// <summary>
/// How one formula runs, and its compiled code: the value delegate (shared by equal trees through
/// <see cref="CompileCache"/>), the gradient, the per-node trace and the batch loop, each made once, on first use, thread-safely.
/// Evaluation starts interpreted and moves to compiled code once the formula is evaluated often; both give the
/// same bits. Formulas past <see cref="FormulaOptions.MaxCompiledNodes"/> are only ever interpreted.
/// </summary>
internal sealed class Tiers
{
    // the first evaluations walk the tree (microseconds); later ones use the compiled delegate, which costs tens of
    // microseconds to build and then nanoseconds per call
    private const int InterpretedEvaluations = 16;

    private readonly Expr core;
    private readonly IReadOnlyList<string> parameters;
    private readonly FormulaOptions options;

    // each made on first use (most formulas are read and evaluated a few times, and never compiled); a Lazy keeps
    // a compile's failure, which Compile() reports
    private Lazy<Func<double[], double>>? value;
    private Lazy<GradientFunction>? gradient;
    private Lazy<BatchCompiler.Kernel>? batch;
    private Lazy<Backpropagation.Trace>? trace;
    private int compilable;
    private int large;
    private int evaluations;
    private int compiling;

    public Tiers(Expr core, IReadOnlyList<string> parameters, FormulaOptions options)
    {
        this.core = core;
        this.parameters = parameters;
        this.options = options;
    }

    // nodes as the compilers lower them (a let-bound value once, a subtree shared by reference at each use)

    /// <summary>True when the formula is small enough to compile (<see cref="FormulaOptions.MaxCompiledNodes"/>).</summary>
    public bool IsCompilable => Once(ref compilable, () => !Nodes.Walk(core, distinct: false).Skip(options.MaxCompiledNodes).Any());

    // as large as the compilers split into several methods: milliseconds or more to compile
    private bool IsLarge => Once(ref large, () => LinqCompiler.IsLarge(core));

    /// <summary>True once the value delegate exists (evaluations then use it).</summary>
    public bool IsCompiled => value is { IsValueCreated: true };

    /// <summary>The value delegate over an array in parameter order.</summary>
    public Func<double[], double> Value => ValueOnce.Value;

    /// <summary>The value-and-gradient delegate.</summary>
    public GradientFunction Gradient => (gradient ?? LazyInitializer.EnsureInitialized(ref gradient,
        () => new(() => Backpropagation.Compile(core, parameters, options.RerollNodes)))).Value;

    /// <summary>The per-node trace (value and gradient of every node), compiled once.</summary>
    public Backpropagation.Trace Trace => (trace ?? LazyInitializer.EnsureInitialized(ref trace,
        () => new(() => Backpropagation.CompileTrace(core, parameters)))).Value;

    /// <summary>The batch loop.</summary>
    public BatchCompiler.Kernel Batch => (batch ?? LazyInitializer.EnsureInitialized(ref batch,
        () => new(() => BatchCompiler.CompileOrFallBack(core, parameters, () => Value)))).Value;

    private Lazy<Func<double[], double>> ValueOnce => value ?? LazyInitializer.EnsureInitialized(ref value, () => new(() =>
        CompileCache.GetOrCompile(core, parameters, () => DelegateCompiler.Compile(LinqCompiler.ToArrayLambda(core, parameters, options.RerollNodes)))));

    // a yes-or-no answer computed once (0 not yet, 1 no, 2 yes); computing it twice in a race gives the same answer
    private static bool Once(ref int answer, Func<bool> compute)
    {
        if (answer == 0)
        {
            Volatile.Write(ref answer, compute() ? 2 : 1);
        }

        return answer == 2;
    }

    /// <summary>
    /// Evaluates at <paramref name="values"/> (in parameter order) on the tier the formula has reached: interpreted
    /// for the first evaluations, compiled after; a large formula compiles on the thread pool while evaluations go on
    /// interpreted.
    /// </summary>
    public double Evaluate(double[] values)
    {
        if (value is { IsValueCreated: true } compiled)
        {
            return compiled.Value(values);
        }

        if (Interlocked.Increment(ref evaluations) > InterpretedEvaluations && IsCompilable)
        {
            if (!IsLarge)
            {
                return Compiled()(values);
            }

            if (Interlocked.Exchange(ref compiling, 1) == 0)
            {
                // a failure is kept by the Lazy and reported by Compile(); evaluation goes on interpreted
                _ = Task.Run(() => Value).ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
            }
        }

        try
        {
            return Interpreter.Evaluate(core, parameters, values);
        }
        catch (InsufficientExecutionStackException) when (IsCompilable)
        {
            return Compiled()(values);
        }
    }

    // the value delegate, made here if need be: a stack too small to compile on is the documented limit error, as
    // for Formula.Compile()
    private Func<double[], double> Compiled()
    {
        try
        {
            return Value;
        }
        catch (InsufficientExecutionStackException e)
        {
            throw Limits.StackExhausted(e);
        }
    }
}
