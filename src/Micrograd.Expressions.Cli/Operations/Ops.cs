using Micrograd.Expressions.Calculus;

namespace Micrograd.Expressions.Cli.Operations;

/// <summary>
/// The operations of <c>mgx</c>, one handler each, shared by the commands and the batch protocol so that they
/// cannot drift: a command and a batch request with the same inputs get the same reply, the command renders it
/// as text (or, with <c>--json</c>, as the batch response's fields).
/// </summary>
internal static class Ops
{
    /// <summary><c>eval</c>: the value at a point.</summary>
    public static Evaluated Eval(Formula formula, IReadOnlyDictionary<string, double> at) => new(formula.Evaluate(at));

    /// <summary><c>parse</c>: the canonical text and the parameters in call order.</summary>
    public static Parsed Parse(Formula formula) => new(formula.ToString(), formula.Parameters);

    /// <summary>
    /// <c>diff</c>: the derivative by <paramref name="wrt"/>, or by every parameter when it is null (none for a
    /// formula without parameters), printed in <paramref name="format"/> (a dialect name; the formula syntax when null).
    /// </summary>
    public static Differentiated Diff(Formula formula, string? wrt, int order, string? format)
    {
        var by = wrt is null ? formula.Parameters : [wrt];
        return new Differentiated(wrt, [.. by.Select(p => (p, formula.Derivative(p, order).ToString(format)))]);
    }

    /// <summary><c>check</c>: every symbolic first derivative against finite differences at a point.</summary>
    public static Checked Check(Formula formula, IReadOnlyDictionary<string, double> at, DifferenceMethod method, double? h) =>
        new(DerivativeChecker.Check(formula, at, method, h));

    /// <summary><c>grad</c>: the value and the gradient of every parameter and let-bound name, by backpropagation.</summary>
    public static Backpropagated Grad(Formula formula, IReadOnlyDictionary<string, double> at) => new(formula.Backpropagate(at));

    /// <summary>
    /// <c>define</c>, and the <c>--define</c>/<c>--constant</c> options: <paramref name="context"/> with the constants
    /// (first, so functions can use them) and the functions added in order. A name defined twice, or a built-in
    /// redefined, is an error; an error in a definition names it.
    /// </summary>
    public static FormulaContext Define(FormulaContext context, IEnumerable<string> functions, IEnumerable<KeyValuePair<string, double>> constants)
    {
        foreach (var (name, value) in constants)
        {
            if (!double.IsFinite(value))
            {
                throw new FormulaException(FormulaErrorKind.Name, $"the constant `{name}` must be a finite number, not {Values.Describe(value)}");
            }

            context = context.WithConstant(name, value);
        }

        foreach (var definition in functions)
        {
            try
            {
                context = context.WithFunction(definition);
            }
            catch (FormulaSyntaxException e)
            {
                throw new FormulaSyntaxException(e.Kind, $"in the definition `{definition}`: {e.Reason}", definition, e.Line, e.Column);
            }
        }

        return context;
    }
}
