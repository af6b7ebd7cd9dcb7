using System.Diagnostics.CodeAnalysis;
using Micrograd.Expressions.Algebra;
using Micrograd.Expressions.Calculus;
using Micrograd.Expressions.Compilation;
using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions;

/// <summary>
/// The functions and constants a formula may call: the built-in table plus what a host adds. Immutable and
/// safe to share between threads; each <c>With...</c> returns a new context and leaves this one unchanged.
/// Nothing outside a context is callable from a formula read with it.
/// </summary>
/// <example>
/// <code>
/// var context = FormulaContext.Default
///     .WithFunction("softplus(x) = log(1 + exp(x))")
///     .WithFunction("erf(x)", (Func&lt;double, double&gt;)MyErf, "2/sqrt(pi)*exp(-x**2)")
///     .WithConstant("g", 9.80665);
/// var f = Formula.Parse("softplus(g*t) + erf(t)", context);
/// </code>
/// </example>
public sealed class FormulaContext
{
    private FormulaContext(FunctionTable table, FormulaOptions options)
    {
        Table = table;
        Options = options;
    }

    /// <summary>The names formulas read with this context may call (what the reader sees).</summary>
    internal FunctionTable Table { get; }

    /// <summary>How many functions and constants a context may add to the built-in table: 10,000.</summary>
    public const int MaxAdded = 10_000;

    /// <summary>The built-in functions and constants (<see cref="Function.Table"/>) and <see cref="FormulaOptions.Default"/>.</summary>
    public static FormulaContext Default { get; } = new(FunctionTable.BuiltIn, FormulaOptions.Default);

    /// <summary>Every function and constant of the context: the built-in rows first, then the host's in the order added.</summary>
    public IReadOnlyList<Function> Functions => Table.Functions;

    /// <summary>The limits formulas read with this context get.</summary>
    public FormulaOptions Options { get; }

    /// <summary>Looks a function or constant up by name (the alias <c>ln</c> included).</summary>
    /// <param name="name">The name as written in a formula.</param>
    /// <param name="function">The row, when found.</param>
    /// <returns>True when the context has the name.</returns>
    public bool TryLookup(string name, [NotNullWhen(true)] out Function? function) =>
        Table.TryLookup(name, out function);

    /// <summary>Reads formula text with this context's functions, constants and options.</summary>
    /// <param name="text">The formula.</param>
    /// <returns>The formula; its derivatives keep this context.</returns>
    /// <exception cref="FormulaSyntaxException">The text is not a formula of this context.</exception>
    public Formula Parse(string text) => Formula.Parse(text, this);

    /// <summary>The same functions with other limits.</summary>
    /// <param name="options">The limits.</param>
    /// <returns>A new context.</returns>
    public FormulaContext WithOptions(FormulaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new FormulaContext(Table, options);
    }

    /// <summary>
    /// Adds a function defined by a formula, such as <c>softplus(x) = log(1 + exp(x))</c>: one to four parameters,
    /// a body that may call the functions and constants of this context (not itself). It is differentiated
    /// through its body and compiled once, on first use.
    /// </summary>
    /// <param name="definition">The definition: <c>name(parameters) = formula</c>.</param>
    /// <returns>A new context with the function.</returns>
    /// <exception cref="FormulaSyntaxException">The definition does not read, with line and column in it; kind
    /// <see cref="FormulaErrorKind.Name"/> when the name is taken (a built-in or defined before); kind
    /// <see cref="FormulaErrorKind.Limit"/> when the body, with the bodies of the functions it calls written out
    /// (calls of calls multiply), has more than <see cref="FormulaOptions.MaxResultNodes"/> nodes.</exception>
    public FormulaContext WithFunction(string definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var equals = definition.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0)
        {
            throw Parser.At(definition, definition.Length, FormulaErrorKind.Syntax,
                "a function definition reads `name(x, y) = formula`; there is no `=`");
        }

        var (name, parameters) = ReadSignature(definition, equals);
        // the body keeps its place in the definition, so errors point into the whole text
        var blanked = string.Concat(definition[..(equals + 1)].Select(c => c == '\n' ? '\n' : ' ')) + definition[(equals + 1)..];
        var body = Reader.Read(blanked, Table, Options, parameters, defining: name).Core;
        if (Budget.WritesOutTooLarge(body, Options))
        {
            throw Parser.At(definition, equals + 1, FormulaErrorKind.Limit, Budget.WrittenOutReason($"`{name}`", Options));
        }

        return Add(Function.Defined(name, [.. parameters], body,
            () => [.. parameters.Select(p => Simplifier.Simplify(Differentiator.Differentiate(body, p)))],
            // without code generation the engine's evaluator runs the body (System.Linq.Expressions would interpret it)
            () => Tiers.CodeGeneration
                ? DelegateCompiler.Compile(LinqCompiler.ToLambda(Function.DelegateType(parameters.Count), body, [.. parameters]))
                : Compilation.Program.Lower(body, parameters).ToDelegate(Function.DelegateType(parameters.Count))!));
    }

    /// <summary>
    /// Adds a .NET function: <paramref name="implementation"/> is a <c>Func&lt;double, ..., double&gt;</c> of one to
    /// four arguments, called directly by compiled code (a static method call, or one delegate invoke for a
    /// closure); it must be pure and thread-safe. Give its partial derivatives as formulas over the signature's
    /// names, one per argument (they may call this context's functions and the function itself); without them
    /// the function evaluates and compiles, and <c>Derivative</c> or <c>CompileGradient</c> raise a
    /// <see cref="FormulaException"/> naming it.
    /// </summary>
    /// <param name="signature">The name and parameter names, e.g. <c>erf(x)</c> or <c>hypot(x, y)</c>.</param>
    /// <param name="implementation">The implementation.</param>
    /// <param name="derivatives">None, or one formula per parameter: the partial derivative with respect to it.</param>
    /// <returns>A new context with the function.</returns>
    /// <exception cref="ArgumentException">The delegate is not a <c>Func</c> of the signature's arity over <c>double</c>, or the number of derivatives is neither 0 nor the arity.</exception>
    /// <exception cref="FormulaSyntaxException">The signature or a derivative does not read, or the name is taken.</exception>
    public FormulaContext WithFunction(string signature, Delegate implementation, params string[] derivatives)
    {
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(implementation);
        ArgumentNullException.ThrowIfNull(derivatives);
        var (name, parameters) = ReadSignature(signature, signature.Length);
        var invoke = implementation.GetType().GetMethod("Invoke")!;
        if (invoke.ReturnType != typeof(double) || invoke.GetParameters().Length != parameters.Count
            || invoke.GetParameters().Any(p => p.ParameterType != typeof(double)))
        {
            throw new ArgumentException(
                $"the implementation of `{signature}` must be a Func of {parameters.Count} double argument(s) returning double, not {implementation.GetType().Name}",
                nameof(implementation));
        }

        if (derivatives.Length != 0 && derivatives.Length != parameters.Count)
        {
            throw new ArgumentException(
                $"`{signature}` has {parameters.Count} parameter(s), so it needs {parameters.Count} derivative(s), one per parameter, or none; {derivatives.Length} were given",
                nameof(derivatives));
        }

        var row = Function.Host(name, [.. parameters], implementation);
        var context = Add(row);
        if (derivatives.Length > 0)
        {
            row.WithDerivatives([.. derivatives.Select(d =>
            {
                ArgumentNullException.ThrowIfNull(d, nameof(derivatives));
                return Reader.Read(d, context.Table, Options, parameters).Core;
            })]);
        }

        return context;
    }

    /// <summary>Adds a named constant; a formula's parameter of the same name shadows it, as parameters shadow <c>pi</c>.</summary>
    /// <param name="name">A name of the language, not taken in this context.</param>
    /// <param name="value">A finite value.</param>
    /// <returns>A new context with the constant.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The value is NaN or infinite.</exception>
    /// <exception cref="FormulaSyntaxException">The name is not a name of the language, or is taken.</exception>
    public FormulaContext WithConstant(string name, double value)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"the constant `{name}` must be finite");
        }

        CheckNew(name, name, 0);
        return Add(Function.Constant(name, value));
    }

    private FormulaContext Add(Function row) =>
        Table.AddedCount >= MaxAdded
            ? throw new FormulaException(FormulaErrorKind.Limit, $"a context adds at most {MaxAdded} functions and constants (FormulaContext.MaxAdded)")
            : new(Table.Add(row), Options);

    // name(p, q) from text[..end]: a name of the language not taken here, and one to four distinct parameter names
    private (string Name, List<string> Parameters) ReadSignature(string text, int end)
    {
        var head = text[..end];
        var open = head.IndexOf('(', StringComparison.Ordinal);
        var close = head.LastIndexOf(')');
        if (open < 0 || close < open || head[(close + 1)..].Trim().Length > 0)
        {
            throw Parser.At(text, open < 0 ? end : close < 0 ? end : close + 1, FormulaErrorKind.Syntax,
                $"a function is written `name(x)` or `name(x, y)`, as in `softplus(x)`; got `{head.Trim()}`");
        }

        var name = head[..open].Trim();
        var start = head.IndexOf(name, StringComparison.Ordinal);
        CheckNew(text, name, start);
        var parameters = new List<string>();
        var offset = open + 1;
        foreach (var part in head[(open + 1)..close].Split(','))
        {
            var parameter = part.Trim();
            var at = offset + part.IndexOf(parameter, StringComparison.Ordinal);
            if (!Tokens.IsName(parameter))
            {
                throw Parser.At(text, parameter.Length == 0 ? offset : at, FormulaErrorKind.Syntax,
                    $"expected a parameter name in `{head.Trim()}`, got `{parameter}`");
            }

            if (TryLookup(parameter, out var f) && !f.IsConstant)
            {
                throw Parser.At(text, at, FormulaErrorKind.Name, $"`{parameter}` is a function and cannot be used as a name");
            }

            if (parameters.Contains(parameter))
            {
                throw Parser.At(text, at, FormulaErrorKind.Name, Syntax.Guards.DeclaredTwice(parameter, name));
            }

            parameters.Add(parameter);
            offset += part.Length + 1;
        }

        if (parameters.Count > Function.MaxParameters)
        {
            throw Parser.At(text, open, FormulaErrorKind.Arity, Function.TooManyParameters(name, parameters.Count));
        }

        return (name, parameters);
    }

    private void CheckNew(string text, string name, int offset)
    {
        if (!Tokens.IsName(name))
        {
            throw Parser.At(text, Math.Max(0, offset), FormulaErrorKind.Syntax,
                $"`{name}` is not a name: a letter or `_`, then letters, digits or `_`, and not `let`, `in` or `fun`");
        }

        if (TryLookup(name, out var existing))
        {
            var what = existing.IsBuiltIn
                ? $"a built-in {(existing.IsConstant ? "constant" : "function")}"
                : "already defined in this context";
            throw Parser.At(text, offset, FormulaErrorKind.Name, $"`{name}` is {what} and cannot be redefined");
        }
    }
}
