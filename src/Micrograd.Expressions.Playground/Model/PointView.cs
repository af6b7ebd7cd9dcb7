namespace Micrograd.Expressions.Playground.Model;

/// <summary>
/// What the views of one formula share: the formula, the parameter along which it is plotted (x, or else the
/// first), and the point: x0 for that parameter, 1 for the others.
/// </summary>
/// <param name="Formula">The formula.</param>
/// <param name="Variable">The plotted parameter.</param>
/// <param name="Values">A value for every parameter, in the formula's order.</param>
/// <param name="Derivative">The derivative by the plotted parameter, as the page already shows it.</param>
public sealed record PointView(Formula Formula, string Variable, double[] Values, Formula Derivative)
{
    /// <summary>The plotted parameter's position among the formula's parameters.</summary>
    public int Index => Formula.Parameters.ToList().IndexOf(Variable);

    /// <summary>x0, the plotted parameter's value.</summary>
    public double X0 => Values[Index];

    /// <summary>The point by name, as the engine's checks take it.</summary>
    public IReadOnlyDictionary<string, double> At => Formula.Parameters.Select((p, i) => (p, Values[i])).ToDictionary(t => t.p, t => t.Item2);

    /// <summary>
    /// A formula over the same parameters (the formula, its derivative) along the plotted parameter, the others
    /// fixed: in one batch (the engine's evaluator runs one program over all the points), or point by point for a
    /// formula too large to compile, which only the tree-walking evaluation runs.
    /// </summary>
    /// <param name="formula">The formula or its derivative.</param>
    /// <param name="xs">The values of the plotted parameter.</param>
    /// <returns>The formula at each.</returns>
    public double[] Along(Formula formula, double[] xs)
    {
        ArgumentNullException.ThrowIfNull(formula);
        ArgumentNullException.ThrowIfNull(xs);
        var results = new double[xs.Length];
        try
        {
            formula.EvaluateBatch([.. Values.Select((v, i) => i == Index ? xs : Enumerable.Repeat(v, xs.Length).ToArray())], results);
        }
        catch (FormulaException e) when (e.Kind == FormulaErrorKind.Limit)
        {
            for (var i = 0; i < xs.Length; i++)
            {
                results[i] = formula.Evaluate(With(xs[i]));
            }
        }

        return results;
    }

    /// <summary>The point with the plotted parameter at another value.</summary>
    /// <param name="x">The value.</param>
    /// <returns>A new array.</returns>
    public double[] With(double x)
    {
        var values = (double[])Values.Clone();
        values[Index] = x;
        return values;
    }
}
