using System.Diagnostics.CodeAnalysis;
using Micrograd.Expressions.Calculus;
using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions.Compilation;

/// <summary>
/// How one formula runs, and its compiled code: the value delegate (shared by equal trees through
/// <see cref="CompileCache"/>), the gradient, the per-node trace and the batch loop, each made once, on first use, thread-safely.
/// The one place that chooses between the engine's own evaluator (<see cref="Program"/>, no code generation) and
/// LINQ compilation: without dynamic code (<see cref="CodeGeneration"/> false: NativeAOT, iOS, WebAssembly) the
/// program runs everything; under a JIT it runs a fresh typed delegate's or gradient's first calls, LINQ-compiled
/// code takes over once they are called often, and a formula's first evaluations walk the tree. Every tier gives
/// the same bits.
/// Formulas past <see cref="FormulaOptions.MaxCompiledNodes"/> are only ever interpreted.
/// </summary>
internal sealed class Tiers
{
    // the first evaluations walk the tree, or run the program without code generation; later ones use the compiled
    // delegate, which costs tens of microseconds to build and then nanoseconds per call
    private const int InterpretedEvaluations = 16;

    /// <summary>Calls of a typed delegate from <see cref="Compile"/> or of <see cref="PromotedGradient"/> that run the program before it swaps to compiled code.</summary>
    internal const int PromoteAfterCalls = 256;

    /// <summary>
    /// False where emitted code cannot run (<see cref="DelegateCompiler.CanEmit"/>: NativeAOT, iOS, a browser's
    /// WebAssembly), or when the AppContext switch <c>Micrograd.Expressions.DisableCodeGeneration</c> is set: then
    /// every operation runs the engine's own evaluator. Tests set it to run the no-JIT tier under the JIT.
    /// </summary>
    internal static bool CodeGeneration { get; set; } = DelegateCompiler.CanEmit
        && !(AppContext.TryGetSwitch("Micrograd.Expressions.DisableCodeGeneration", out var disabled) && disabled);

    private readonly Expr core;
    private readonly IReadOnlyList<string> parameters;
    private readonly FormulaOptions options;

    // each made on first use (most formulas are read and evaluated a few times, and never compiled); a Lazy keeps
    // a compile's failure, which Compile() reports
    private Lazy<Func<double[], double>>? value;
    private Lazy<GradientFunction>? gradient;
    private Lazy<BatchCompiler.Kernel>? batch;
    private Lazy<Backpropagation.Trace>? trace;
    private Lazy<Program>? program;
    private Lazy<Program>? gradientProgram;
    private Lazy<GradientFunction>? promotedGradient;
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
        static t => !Nodes.MoreThan(t.core, t.options.MaxCompiledNodes));

    // as large as the compilers split into several methods: milliseconds or more to compile
    private bool IsLarge => Once(ref large, this, static t => LinqCompiler.IsLarge(t.core));

    /// <summary>True once the value delegate exists (evaluations then use it).</summary>
    public bool IsCompiled => value is { IsValueCreated: true };

    /// <summary>The value program, lowered once.</summary>
    public Program Program => Made(ref program, this, static t => Program.Lower(t.core, t.parameters));

    /// <summary>
    /// The value delegate over an array in parameter order: LINQ-compiled under a JIT (shared by equal trees), the
    /// program's without code generation.
    /// </summary>
    public Func<double[], double> Value => Made(ref value, this, static t => CodeGeneration
        ? CompileCache.GetOrCompile(t.core, t.parameters, () => DelegateCompiler.Compile(LinqCompiler.ToArrayLambda(t.core, t.parameters, t.options.RerollNodes)))
        : t.Program.ToArrayDelegate());

    /// <summary>
    /// The value-and-gradient delegate: the compiled reverse sweep under a JIT, the gradient program without code
    /// generation.
    /// </summary>
    public GradientFunction Gradient => Made(ref gradient, this, static t => CodeGeneration
        ? Backpropagation.Compile(t.core, t.parameters, t.options.RerollNodes)
        : t.GradientProgram.ToGradientFunction());

    /// <summary>The gradient program (the value, then the reverse sweep), lowered once.</summary>
    public Program GradientProgram => Made(ref gradientProgram, this, static t => Program.LowerGradient(t.core, t.parameters));

    /// <summary>
    /// The delegate <c>CompileGradient</c> returns, the same at every call: without code generation, for a large
    /// formula, or once it is made, <see cref="Gradient"/>; else one that runs the gradient program for its first
    /// <see cref="PromoteAfterCalls"/> calls and then the compiled sweep, so a fresh gradient's first values need no
    /// code generation.
    /// </summary>
    public GradientFunction PromotedGradient => !CodeGeneration || IsLarge ? Gradient
        : Made(ref promotedGradient, this, static t =>
        {
            if (t.gradient is { IsValueCreated: true })
            {
                return t.Gradient;
            }

            var slow = t.GradientProgram.ToGradientFunction();
            GradientFunction? fast = null;
            var calls = 0;
            return (point, g) => (fast ?? Promote(ref fast, ref calls, slow, () => t.Gradient))(point, g);
        });

    /// <summary>
    /// The delegate <c>Compile</c> and <c>Compile&lt;T&gt;</c> return, of type <paramref name="delegateType"/> (already
    /// checked against the parameters). For <c>Func&lt;double[], double&gt;</c>, <see cref="Value"/>. For a typed
    /// delegate, without code generation the program's; under a JIT one that runs the program for its first
    /// <see cref="PromoteAfterCalls"/> calls and then the delegate <paramref name="compile"/> makes. Null for a
    /// delegate type the program does not serve (the caller compiles it).
    /// </summary>
    public Delegate? Compile(Type delegateType, Func<Delegate> compile)
    {
        // an array delegate is the formula's one compiled delegate, shared by equal trees (Value)
        if (delegateType == typeof(Func<double[], double>))
        {
            return Value;
        }

        // a large formula compiles at once, as before: its program would be a second copy of it in memory, and
        // compiling it at some later call would stall that call for milliseconds or more
        return !CodeGeneration ? Program.ToDelegate(delegateType) : IsLarge ? null : Program.ToDelegate(delegateType, compile);
    }

    // the delegate to run now: the slow one until the count is reached, then the compiled one (made once, here;
    // a failure to compile leaves the slow one in place)
    internal static T Promote<T>(ref T? fast, ref int calls, T slow, Func<T> compile)
        where T : Delegate
    {
        if (Interlocked.Increment(ref calls) != PromoteAfterCalls)
        {
            return slow;
        }

        try
        {
            return fast = compile();
        }
        catch (Exception e) when (e is FormulaException or InvalidProgramException or NotSupportedException or InsufficientExecutionStackException)
        {
            return slow;
        }
    }

    /// <summary>The per-node trace (value and gradient of every node), made once: compiled under a JIT, the trace program without code generation.</summary>
    public Backpropagation.Trace Trace => Made(ref trace, this, static t => CodeGeneration
        ? Backpropagation.CompileTrace(t.core, t.parameters)
        : Program.Trace(t.core, t.parameters));

    /// <summary>The batch loop: compiled under a JIT, the program's block loop without code generation.</summary>
    public BatchCompiler.Kernel Batch => Made(ref batch, this, static t => CodeGeneration
        ? BatchCompiler.CompileOrFallBack(t.core, t.parameters, () => t.Value)
        : t.Program.ToKernel());

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

        if (CodeGeneration && Interlocked.Increment(ref evaluations) > InterpretedEvaluations && IsCompilable)
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
            // under a JIT the first evaluations walk the tree: in a young process the program's lowering is many more
            // methods to compile than the walker (measured: a process's first Parse + Evaluate several times slower)
            return !CodeGeneration && IsCompilable ? Program.Evaluate(values) : Interpreter.Evaluate(core, parameters, values);
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
