using System.Diagnostics.CodeAnalysis;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using FastExpressionCompiler;

namespace Micrograd.Expressions.Compilation;

/// <summary>
/// Turns the LINQ lambdas the engine's compilers build into delegates: FastExpressionCompiler, which emits
/// IL for the tree straight into a dynamic method (several times cheaper than <c>Expression.Compile</c> on
/// the engine's trees), and <c>Expression.Compile</c> for any lambda it declines. Both emit the operations the
/// tree names in its order, so the delegate computes the same bits either way.
/// </summary>
/// <remarks>
/// The one home of runtime code generation. Where the host cannot run emitted code (NativeAOT, iOS, Blazor
/// WebAssembly: <see cref="RuntimeFeature.IsDynamicCodeSupported"/> is false) every lambda is interpreted by
/// System.Linq.Expressions instead, and the trimmer, which knows that property is false there, removes
/// FastExpressionCompiler and the emitting paths from the app.
/// </remarks>
internal static class DelegateCompiler
{
    /// <summary>The lambda compiled to its delegate type.</summary>
    public static TDelegate Compile<TDelegate>(Expression<TDelegate> lambda)
        where TDelegate : Delegate => (TDelegate)Compile((LambdaExpression)lambda);

    /// <summary>
    /// True where emitted code runs: the runtime supports dynamic code and is not a browser's (WebAssembly's runtime
    /// reports dynamic code, but interprets what is emitted, and FastExpressionCompiler fails there).
    /// </summary>
    /// <remarks>
    /// Code that calls a member marked <see cref="System.Diagnostics.CodeAnalysis.RequiresDynamicCodeAttribute"/>
    /// (the batch compiler's vector types, <c>Locals</c>' split methods) reads
    /// <see cref="RuntimeFeature.IsDynamicCodeSupported"/> itself: the AOT analyzer recognises that guard and cannot
    /// see through this one (<c>FeatureGuard</c> refuses the browser's condition). <see cref="Tiers"/> keeps a
    /// browser away from those paths.
    /// </remarks>
    public static bool CanEmit => RuntimeFeature.IsDynamicCodeSupported && !OperatingSystem.IsBrowser();

    /// <summary>The lambda compiled to its delegate type (interpreted where code cannot be emitted).</summary>
    public static Delegate Compile(LambdaExpression lambda) =>
        CanEmit ? CompileFast(lambda) ?? lambda.Compile() : lambda.Compile(preferInterpretation: true);

    /// <summary>
    /// The lambda compiled by <c>Expression.Compile</c> alone, or interpreted by it when <paramref name="preferInterpretation"/>
    /// (for a lambda so large that emitting it costs more than interpreting it for the calls it serves) or when
    /// dynamic code is not supported.
    /// </summary>
    public static Delegate CompileWithLinq(LambdaExpression lambda, bool preferInterpretation) =>
        lambda.Compile(preferInterpretation || !CanEmit);

    /// <summary>The <c>Invoke</c> method of a delegate type: its parameters and result.</summary>
    // not an annotation on the callers' type parameters: PublicMethods of a delegate type would keep Delegate's
    // own public methods too (CreateDelegate by name among them), and warn in every app that calls Compile<T>
    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "The trimmer keeps the Invoke method of every delegate type.")]
    public static MethodInfo Signature(Type delegateType) => delegateType.GetMethod("Invoke")!;

    /// <summary>FastExpressionCompiler's delegate, or null where it declines the lambda or dynamic code is not supported.</summary>
    internal static Delegate? CompileFast(LambdaExpression lambda) =>
        CanEmit ? Emit(lambda) : null;

    // FastExpressionCompiler is marked as unsafe to trim as a whole: it reflects over its own types and over the
    // members the lambda names, which the lambda itself keeps. A trimmed app that has a JIT runs it; a NativeAOT
    // app never reaches it, and its compiler, which reads IsDynamicCodeSupported as false, removes it.
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Reached only with dynamic code; reads the members the lambda references, kept by the lambda.")]
    private static Delegate? Emit(LambdaExpression lambda) =>
        // constants are folded by the lowering already; FastExpressionCompiler's own folding is not needed
        lambda.CompileFast(ifFastFailedReturnNull: true, CompilerFlags.DisableInterpreter);
}
