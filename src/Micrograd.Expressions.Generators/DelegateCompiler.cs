using System.Linq.Expressions;

namespace Micrograd.Expressions.Compilation;

/// <summary>
/// The generator compiles no delegates: it writes the lowering as C#. The parts of the lowering that would call
/// one (a large formula's methods, a rerolled run's blocks) are formulas the generator refuses before they come
/// here (<see cref="Generators.FormulaGenerator"/>'s size limit); reaching this is a bug, reported as MGX9999.
/// </summary>
internal static class DelegateCompiler
{
    public static Delegate Compile(LambdaExpression lambda) =>
        throw new NotSupportedException($"the generator does not compile `{lambda.Name}`: the formula is larger than it writes as C#");

    public static Delegate CompileWithLinq(LambdaExpression lambda, bool preferInterpretation) => Compile(lambda);

    public static TDelegate Compile<TDelegate>(Expression<TDelegate> lambda) where TDelegate : Delegate =>
        throw new NotSupportedException($"the generator does not compile `{lambda.Name}`: the formula is larger than it writes as C#");
}
