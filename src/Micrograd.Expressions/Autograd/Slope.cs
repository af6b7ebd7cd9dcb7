namespace Micrograd.Expressions.Autograd;

/// <summary>
/// The operations a loss is written with, once, for both training paths: <see cref="Value"/> (the eager graph,
/// differentiated by <see cref="Value.Backward"/>) and <see cref="Slope"/> (a compiled score and its derivative).
/// </summary>
/// <typeparam name="T">The number type.</typeparam>
internal interface ILossArithmetic<T>
    where T : ILossArithmetic<T>
{
    /// <summary><c>a + b</c> with a constant.</summary>
    static abstract T operator +(double a, T b);

    /// <summary><c>a * b</c> with a constant.</summary>
    static abstract T operator *(double a, T b);

    /// <summary><c>a - b</c> with a constant.</summary>
    static abstract T operator -(T a, double b);

    /// <summary><c>relu(this)</c>.</summary>
    T Relu();

    /// <summary><c>this ** k</c>.</summary>
    T Pow(double k);
}

/// <summary>
/// A number and its derivative by one input (forward mode). Each operation computes its value as <see cref="Value"/>
/// does and its derivative with the local derivative <see cref="Value.Backward"/> multiplies by, so a loss of one
/// input gives the same bits as its <see cref="Value"/> graph and that graph's gradient.
/// </summary>
/// <param name="Data">The value.</param>
/// <param name="Derivative">Its derivative by the input.</param>
internal readonly record struct Slope(double Data, double Derivative) : ILossArithmetic<Slope>
{
    public static Slope operator +(double a, Slope b) => new(b.Data + a, b.Derivative);

    public static Slope operator *(double a, Slope b) => new(b.Data * a, a * b.Derivative);

    public static Slope operator -(Slope a, double b) => new(a.Data + (-b), a.Derivative);

    public Slope Relu() => new(Value.Relu(Data), Value.ReluSlope(Data) * Derivative);

    public Slope Pow(double k) => new(Value.Power(Data, k), k * Value.Power(Data, k - 1) * Derivative);
}
