using System.Diagnostics.CodeAnalysis;
using Micrograd.Expressions.Compilation;
using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions;

/// <summary>
/// A parsed formula: an immutable syntax tree with its ordered parameters. Instances are immutable and
/// safe to share between threads; compiled delegates are cached and thread-safe too.
/// </summary>
/// <example>
/// <code>
/// var f = Formula.Parse("3*x**2 - 4*x + 5");
/// double y = f.Evaluate(3.0);                 // 20
/// var df = f.Derivative("x");                 // 6*x - 4
/// </code>
/// </example>
public sealed partial class Formula : IEquatable<Formula>, IFormattable
{
    private readonly Tiers tiers;

    // core: the tree with local functions written out, when the caller has it (a derivative or simplification is
    // built from a core tree and is its own); else it is computed here
    private Formula(Expr tree, IReadOnlyList<string> parameters, FormulaOptions? options = null, FormulaContext? context = null, Expr? core = null)
    {
        Tree = tree;
        Parameters = parameters;
        Options = options ?? FormulaOptions.Default;
        Context = context ?? FormulaContext.Default;
        Core = core ?? LocalFunctions.Expand(tree, parameters, Options.MaxResultNodes);
        tiers = new Tiers(Core, Parameters, Options);
    }

    /// <summary>The syntax tree, as read: local functions are <see cref="Lambda"/> bindings and calls of them.</summary>
    public Expr Tree { get; }

    /// <summary>
    /// The tree every operation works on: <see cref="Tree"/> with each call of a local function written as its body
    /// (the same tree when the formula defines none).
    /// </summary>
    internal Expr Core { get; }

    /// <summary>The functions and constants the formula was read with; its derivatives and simplifications keep it.</summary>
    public FormulaContext Context { get; }

    /// <summary>
    /// The parameter names in call order: those of the <c>fun</c> header, or else the free names in order of
    /// first appearance.
    /// </summary>
    public IReadOnlyList<string> Parameters { get; }

    /// <summary>
    /// The limits this formula was read with; the formulas computed from it (derivatives, simplifications)
    /// keep them. <see cref="FormulaOptions.Default"/> for trees wrapped by <see cref="FromTree"/>.
    /// </summary>
    public FormulaOptions Options { get; }

    /// <summary>Reads formula text.</summary>
    /// <param name="text">The formula, e.g. <c>3*x**2 - 4*x + 5</c>; see docs/language.md.</param>
    /// <param name="options">Limits; <see cref="FormulaOptions.Default"/> when null.</param>
    /// <returns>The formula.</returns>
    /// <exception cref="FormulaSyntaxException">The text is not a formula, or exceeds a limit; the exception has the line and column.</exception>
    public static Formula Parse(string text, FormulaOptions? options = null) =>
        Parse(text, FormulaContext.Default, options ?? FormulaOptions.Default, null, null);

    /// <summary>Reads formula text that may call the functions and constants of a context.</summary>
    /// <param name="text">The formula; see docs/language.md.</param>
    /// <param name="context">The functions, constants and limits; an unknown function is an error that lists this context's.</param>
    /// <returns>The formula; its derivatives keep the context, so they print, parse back with it and compile.</returns>
    /// <exception cref="FormulaSyntaxException">The text is not a formula of this context, or exceeds a limit.</exception>
    public static Formula Parse(string text, FormulaContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Parse(text, context, context.Options, null, null);
    }

    private static Formula Parse(string text, FormulaContext context, FormulaOptions options, IReadOnlyList<string>? header, string? defining)
    {
        var (tree, parameters, core) = Reader.Read(text, context.Table, options, header, defining);
        if (context.Table.AddedCount > 0 && Budget.WritesOutTooLarge(core, options))
        {
            throw Parser.At(text, 0, FormulaErrorKind.Limit, Budget.WrittenOutReason("the formula", options));
        }

        return new Formula(tree, parameters, options, context, core);
    }

    /// <summary>Reads formula text without throwing on a bad formula.</summary>
    /// <param name="text">The formula text.</param>
    /// <param name="formula">The formula when the text is valid.</param>
    /// <param name="error">The error, with line and column, when it is not.</param>
    /// <param name="options">Limits; <see cref="FormulaOptions.Default"/> when null.</param>
    /// <returns>True when the text is a formula.</returns>
    public static bool TryParse(
        string? text,
        [NotNullWhen(true)] out Formula? formula,
        [NotNullWhen(false)] out FormulaSyntaxException? error,
        FormulaOptions? options = null)
    {
        if (text is null)
        {
            formula = null;
            error = new FormulaSyntaxException(FormulaErrorKind.Syntax, "there is no formula text (null)", "", 1, 1);
            return false;
        }

        try
        {
            // text the grammar does not accept comes back as an error; names and limits are refused by exceptions
            var valid = options ?? FormulaOptions.Default;
            formula = Reader.TryRead(text, FormulaContext.Default.Table, valid, out var read, out error)
                ? new Formula(read.Tree, read.Parameters, valid, FormulaContext.Default, read.Core)
                : null;
            return formula is not null;
        }
        catch (FormulaSyntaxException e)
        {
            formula = null;
            error = e;
            return false;
        }
    }

    /// <summary>Wraps a tree built in code.</summary>
    /// <param name="tree">The tree.</param>
    /// <param name="parameters">The parameter order; the free names in order of first appearance when null.</param>
    /// <param name="options">The limits of the operations on the formula; <see cref="FormulaOptions.Default"/> when null.</param>
    /// <returns>The formula.</returns>
    public static Formula FromTree(Expr tree, IEnumerable<string>? parameters = null, FormulaOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tree);
        var free = FreeNames.Of(tree);
        if (parameters is null)
        {
            return new Formula(tree, free, options);
        }

        var list = parameters.ToList();
        var missing = free.Except(list).ToList();
        if (missing.Count > 0)
        {
            throw new FormulaException(FormulaErrorKind.Name,
                $"the tree uses {string.Join(", ", missing.Select(m => $"`{m}`"))}, which is not among the parameters {string.Join(", ", list)}");
        }

        return new Formula(tree, list, options);
    }

    // the documented error for a tree too deep for the current thread's stack
    private static T Guard<T>(Func<T> operation)
    {
        try
        {
            return operation();
        }
        catch (InsufficientExecutionStackException e)
        {
            throw Limits.StackExhausted(e);
        }
    }

    /// <inheritdoc/>
    public bool Equals(Formula? other) =>
        other is not null && Tree.Equals(other.Tree) && Parameters.SequenceEqual(other.Parameters);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Formula);

    /// <inheritdoc/>
    public override int GetHashCode() => Tree.GetHashCode();
}
