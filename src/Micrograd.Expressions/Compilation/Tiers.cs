using System.Diagnostics.CodeAnalysis;
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

    /// <summary>True when the formula is small enough to compile (<see cref="FormulaOptions.MaxCompiledNodes"/>).</summary>
    public bool IsCompilable => Once(ref compilable, this,
        // nodes as the compilers lower them (a let-bound value once, a subtree shared by reference at each use)
        static t => !Nodes.Walk(t.core, distinct: false).Skip(t.options.MaxCompiledNodes).Any());

    // as large as the compilers split into several methods: milliseconds or more to compile
    private bool IsLarge => Once(ref large, this, static t => LinqCompiler.IsLarge(t.core));

    /// <summary>True once the value delegate exists (evaluations then use it).</summary>
    public bool IsCompiled => value is { IsValueCreated: true };

    /// <summary>The value delegate over an array in parameter order.</summary>
    public Func<double[], double> Value => Made(ref value, this, static t => CompileCache.GetOrCompile(t.core, t.parameters,
        () => DelegateCompiler.Compile(LinqCompiler.ToArrayLambda(t.core, t.parameters, t.options.RerollNodes))));

    /// <summary>The value-and-gradient delegate.</summary>
    public GradientFunction Gradient => Made(ref gradient, this, static t => Backpropagation.Compile(t.core, t.parameters, t.options.RerollNodes));

    /// <summary>The per-node trace (value and gradient of every node), compiled once.</summary>
    public Backpropagation.Trace Trace => Made(ref trace, this, static t => Backpropagation.CompileTrace(t.core, t.parameters));

    /// <summary>The batch loop.</summary>
    public BatchCompiler.Kernel Batch => Made(ref batch, this, static t => BatchCompiler.CompileOrFallBack(t.core, t.parameters, () => t.Value));

    // what slot holds, made on first use by one thread (the others wait for it); a failure stays in the Lazy and is
    // thrown again at every use
    private static T Made<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] T>(ref Lazy<T>? slot, Tiers tiers, Func<Tiers, T> make) => (slot ?? Holder(ref slot, tiers, make)).Value;

    // apart from Made, so that a use after the first allocates no closure
    private static Lazy<T> Holder<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] T>(ref Lazy<T>? slot, Tiers tiers, Func<Tiers, T> make) =>
        LazyInitializer.EnsureInitialized(ref slot, () => new Lazy<T>(() => make(tiers)));

    // a yes-or-no answer computed once (0 not yet, 1 no, 2 yes); computing it twice in a race gives the same answer
    private static bool Once(ref int answer, Tiers tiers, Func<Tiers, bool> compute)
    {
        if (answer == 0)
        {
            Volatile.Write(ref answer, compute(tiers) ? 2 : 1);
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
