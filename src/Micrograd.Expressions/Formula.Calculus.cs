using Micrograd.Expressions.Algebra;
using Micrograd.Expressions.Calculus;
using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions;

// The formula differentiated and simplified: symbolic derivatives, gradient, Hessian.
public sealed partial class Formula
{
    /// <summary>
    /// The symbolic derivative with respect to one parameter, simplified, with the same parameters as this
    /// formula (so it evaluates with the same arguments). Repeated subexpressions of the result are written
    /// once, as <c>let</c> bindings.
    /// </summary>
    /// <param name="variable">The parameter; a name that does not occur gives the formula <c>0</c>.</param>
    /// <param name="order">How many times to differentiate; 0 returns this formula.</param>
    /// <returns>The derivative.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The order is negative.</exception>
    /// <exception cref="FormulaException">
    /// Kind <see cref="FormulaErrorKind.Limit"/>: the order exceeds <see cref="FormulaOptions.MaxOrder"/>, or the
    /// derivative would exceed <see cref="FormulaOptions.MaxResultNodes"/>.
    /// </exception>
    public Formula Derivative(string variable, int order = 1)
    {
        ArgumentNullException.ThrowIfNull(variable);
        ArgumentOutOfRangeException.ThrowIfNegative(order);
        if (Limits.OrderExceeded(order, Options) is { } exceeded)
        {
            throw new FormulaException(FormulaErrorKind.Limit, exceeded);
        }

        var tree = Core;
        using var work = Work.Begin(Options);
        for (var i = 0; i < order && tree is not Number { Value: 0 }; i++)
        {
            tree = Guard(() => Differentiator.Differentiate(tree, variable));
            Budget.CheckResult(tree, Options, $"the derivative of order {i + 1}");
        }

        return new Formula(tree, Parameters, Options, Context, core: tree);
    }

    /// <summary>Every first partial derivative, in parameter order.</summary>
    /// <returns>One formula per parameter.</returns>
    /// <exception cref="FormulaException">
    /// Kind <see cref="FormulaErrorKind.Limit"/>: the derivatives together take more than
    /// <see cref="FormulaOptions.MaxSymbolicBytes"/> of work (one budget for the whole gradient).
    /// </exception>
    public IReadOnlyList<Formula> Gradient()
    {
        using var work = Work.Begin(Options);
        return [.. Parameters.Select(p => Derivative(p))];
    }

    /// <summary>The matrix of second partial derivatives; entry [i, j] is d²f/dxi dxj, and the matrix is symmetric.</summary>
    /// <returns>A square matrix of size <c>Parameters.Count</c>.</returns>
    /// <exception cref="FormulaException">
    /// Kind <see cref="FormulaErrorKind.Limit"/>: the derivatives together take more than
    /// <see cref="FormulaOptions.MaxSymbolicBytes"/> of work (one budget for the whole matrix).
    /// </exception>
    public Formula[,] Hessian()
    {
        using var work = Work.Begin(Options);
        var n = Parameters.Count;
        if ((long)n * n > Options.MaxResultNodes)
        {
            throw new FormulaException(FormulaErrorKind.Limit,
                $"a Hessian of {n} parameters has {(long)n * n} entries, more than the limit (FormulaOptions.MaxResultNodes) of {Options.MaxResultNodes}");
        }

        var gradient = Gradient();
        var hessian = new Formula[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = i; j < n; j++)
            {
                hessian[i, j] = hessian[j, i] = gradient[i].Derivative(Parameters[j]);
            }
        }

        return hessian;
    }

    /// <summary>
    /// The formula rebuilt through the simplification rules: constants folded, 0 and 1 identities, like terms
    /// and like factors combined, unused bindings dropped. Equal in exact arithmetic; rounding may differ.
    /// </summary>
    /// <returns>The simplified formula, with the same parameters.</returns>
    public Formula Simplify()
    {
        using var work = Work.Begin(Options);
        var tree = Guard(() => Simplifier.Simplify(Core));
        Budget.CheckResult(tree, Options, "the simplified formula");
        return new Formula(tree, Parameters, Options, Context, core: tree);
    }
}
