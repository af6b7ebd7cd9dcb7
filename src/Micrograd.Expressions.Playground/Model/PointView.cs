namespace Micrograd.Expressions.Playground.Model;

/// <summary>
/// What the views of one formula share: the formula, the parameter along which it is plotted (x, or else the
/// first), and the point: x0 for that parameter, 1 for the others.
/// </summary>
/// <param name="Formula">The formula.</param>
/// <param name="Variable">The plotted parameter.</param>
/// <param name="Values">A value for every parameter, in the formula's order.</param>
public sealed record PointView(Formula Formula, string Variable, double[] Values)
{
    /// <summary>The plotted parameter's position among the formula's parameters.</summary>
    public int Index => Formula.Parameters.ToList().IndexOf(Variable);

    /// <summary>x0, the plotted parameter's value.</summary>
    public double X0 => Values[Index];

    /// <summary>The point by name, as the engine's checks take it.</summary>
    public IReadOnlyDictionary<string, double> At => Formula.Parameters.Select((p, i) => (p, Values[i])).ToDictionary(t => t.p, t => t.Item2);

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
