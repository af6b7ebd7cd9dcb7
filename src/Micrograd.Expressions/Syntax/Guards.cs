using System.Runtime.CompilerServices;

namespace Micrograd.Expressions.Syntax;

/// <summary>
/// The checks every recursive pass over a tree shares, each with its one wording: the stack guard, a name no
/// scope binds, a node kind a pass does not know.
/// </summary>
internal static class Guards
{
    /// <summary>
    /// Throws <see cref="InsufficientExecutionStackException"/> ("the formula nests too deeply to
    /// <paramref name="doing"/> on this thread") when the thread's stack is nearly spent; every recursive pass
    /// over a tree calls it at each node it enters.
    /// </summary>
    /// <param name="doing">What the pass does: simplify, differentiate, compile, evaluate.</param>
    public static void Stack(string doing)
    {
        if (!HasRoom())
        {
            throw new InsufficientExecutionStackException($"the formula nests too deeply to {doing} on this thread");
        }
    }

    /// <summary>True while the thread's stack has room for another level of a recursive pass; the readers, which
    /// report a position, throw their own syntax error (<c>Limits.StackExhausted</c>) or decline when it has not.</summary>
    /// <returns>False when the stack is nearly spent.</returns>
    public static bool HasRoom() => RuntimeHelpers.TryEnsureSufficientExecutionStack();

    /// <summary>A name that neither the parameters nor a binding in scope give (kind <see cref="FormulaErrorKind.Name"/>).</summary>
    /// <param name="name">The name.</param>
    /// <returns>The exception to throw.</returns>
    public static FormulaException UnknownName(string name) => new(FormulaErrorKind.Name, $"unknown name `{name}`");

    /// <summary>The wording of a parameter declared twice: in a function's parameters, or in a formula's header.</summary>
    /// <param name="parameter">The parameter.</param>
    /// <param name="function">The function whose parameters name it twice; null for the header.</param>
    /// <returns>The message.</returns>
    public static string DeclaredTwice(string parameter, string? function) => function is null
        ? $"parameter `{parameter}` is declared twice in the header"
        : $"parameter `{parameter}` of `{function}` is declared twice";

    /// <summary>A node kind a switch over <see cref="Expr"/> does not handle (a bug: <c>ArchitectureTests</c> runs every pass over every kind).</summary>
    /// <param name="node">The node.</param>
    /// <returns>The exception to throw.</returns>
    public static InvalidOperationException UnknownNode(Expr node) => new($"unknown node {node.GetType().Name}");
}
