using System.Linq.Expressions;
using FastExpressionCompiler;

namespace Micrograd.Expressions.Compilation;

/// <summary>
/// Turns the LINQ lambdas the engine's compilers build into delegates: FastExpressionCompiler, which emits
/// IL for the tree straight into a dynamic method (several times cheaper than <c>Expression.Compile</c> on
/// the engine's trees), and <c>Expression.Compile</c> for any lambda it declines. Both emit the operations the
/// tree names in its order, so the delegate computes the same bits either way.
/// </summary>
internal static class DelegateCompiler
{
    /// <summary>The lambda compiled to its delegate type.</summary>
    public static TDelegate Compile<TDelegate>(Expression<TDelegate> lambda)
        where TDelegate : Delegate => (TDelegate)Compile((LambdaExpression)lambda);

    /// <summary>The lambda compiled to its delegate type.</summary>
    public static Delegate Compile(LambdaExpression lambda) => CompileFast(lambda) ?? lambda.Compile();

    /// <summary>
    /// The lambda compiled by <c>Expression.Compile</c> alone, or interpreted by it when <paramref name="preferInterpretation"/>
    /// (for a lambda so large that emitting it costs more than interpreting it for the calls it serves).
    /// </summary>
    public static Delegate CompileWithLinq(LambdaExpression lambda, bool preferInterpretation) => lambda.Compile(preferInterpretation);

    /// <summary>FastExpressionCompiler's delegate, or null where it declines the lambda.</summary>
    internal static Delegate? CompileFast(LambdaExpression lambda) =>
        // constants are folded by the lowering already; FastExpressionCompiler's own folding is not needed
        lambda.CompileFast(ifFastFailedReturnNull: true, CompilerFlags.DisableInterpreter);
}
