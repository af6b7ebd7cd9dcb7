using System.Linq.Expressions;

namespace Micrograd.Expressions.Compilation;

/// <summary>
/// The generator compiles no delegates: it writes the lowering as C#, one method per formula. The parts of the
/// lowering that would call one (a large formula cut into methods, a rerolled run's block) are not taken here: the
/// generator's <c>RuntimeFeature.IsDynamicCodeSupported</c> is false and it lowers without rerolling
/// (<see cref="Generators.Writer"/>); reaching this is a bug, reported as MGX9999.
/// </summary>
internal static class DelegateCompiler
{
    public static Delegate Compile(LambdaExpression lambda) =>
        throw new NotSupportedException($"the generator does not compile `{lambda.Name}`: it writes the lowering as C#");

    public static Delegate CompileWithLinq(LambdaExpression lambda, bool preferInterpretation) => Compile(lambda);

    public static TDelegate Compile<TDelegate>(Expression<TDelegate> lambda) where TDelegate : Delegate =>
        throw new NotSupportedException($"the generator does not compile `{lambda.Name}`: it writes the lowering as C#");
}
