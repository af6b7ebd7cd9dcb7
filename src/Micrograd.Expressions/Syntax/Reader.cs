using System.Diagnostics.CodeAnalysis;

namespace Micrograd.Expressions.Syntax;

/// <summary>
/// The one reader of formula text: the grammar (<see cref="Parser"/>), then the meaning of every name
/// (<see cref="Scope"/>), then each local function's calls written out (<see cref="LocalFunctions"/>). Every error
/// it raises is a <see cref="FormulaSyntaxException"/> with line and column.
/// </summary>
internal static class Reader
{
    /// <summary>Reads <paramref name="text"/> with the functions and constants of <paramref name="context"/>.</summary>
    /// <param name="text">The formula.</param>
    /// <param name="context">The functions and constants it may call.</param>
    /// <param name="options">The limits.</param>
    /// <param name="header">The parameters, when given in code (a context function's signature); the text may then not have a <c>fun</c> header.</param>
    /// <param name="defining">The context function whose body this is (it may not call itself), or null.</param>
    /// <returns>The tree as read, the parameters in call order, and the core tree (local functions written out).</returns>
    public static (Expr Tree, IReadOnlyList<string> Parameters, Expr Core) Read(
        string text, FunctionTable context, FormulaOptions options, IReadOnlyList<string>? header = null, string? defining = null) =>
        TryRead(text, context, options, out var read, out var error, header, defining) ? read : throw error;

    /// <summary>
    /// As <see cref="Read"/>, but text the grammar does not accept (the usual bad input) is an error returned, not
    /// thrown, so that <c>Formula.TryParse</c> costs no exception for it; errors raised while names are resolved
    /// are still thrown.
    /// </summary>
    public static bool TryRead(string text, FunctionTable context, FormulaOptions options,
        out (Expr Tree, IReadOnlyList<string> Parameters, Expr Core) read, [NotNullWhen(false)] out FormulaSyntaxException? error,
        IReadOnlyList<string>? header = null, string? defining = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        read = default;
        try
        {
            error = Limits.Exceeded(text, options);
            if (error is not null)
            {
                return false;
            }

            // the common case read by hand, everything else (and every error) by the grammar
            (IReadOnlyList<string>? Header, Expr Body) grammar;
            if (QuickReader.TryRead(text, context, options) is { } quick)
            {
                grammar = (null, quick);
            }
            else if (!Parser.TryRead(text, context, options, defining, out grammar, out error))
            {
                return false;
            }

            var (written, body) = grammar;
            if (header is not null && written is not null)
            {
                throw Parser.At(text, text.IndexOf("fun", StringComparison.Ordinal), FormulaErrorKind.Syntax,
                    "the parameters are given by the signature; remove the `fun ... ->` header");
            }

            var (tree, parameters) = Scope.Bind(text, header ?? written, body, context, options);
            var core = text.Contains("let", StringComparison.Ordinal) ? LocalFunctions.Expand(tree, parameters, options.MaxResultNodes) : tree;
            read = (tree, parameters, core);
            return true;
        }
        catch (InsufficientExecutionStackException)
        {
            throw Limits.StackExhausted(text, 1, 1);
        }
        catch (FormulaException e) when (e is not FormulaSyntaxException)
        {
            throw Parser.At(text, 0, e.Kind, e.Message);
        }
    }
}
