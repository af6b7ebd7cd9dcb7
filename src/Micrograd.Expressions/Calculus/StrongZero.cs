namespace Micrograd.Expressions.Calculus;

/// <summary>The product of the chain rule in reverse mode.</summary>
internal static class StrongZero
{
    /// <summary>
    /// <c>gradient * partial</c> with a strong zero: 0 when either is 0, even against an infinite or NaN other
    /// side. A gradient of 0 means the value does not reach the output here (a min, max, relu or heaviside
    /// that selected the other branch, or a factor that is exactly 0), so nothing flows on, as in the
    /// symbolic derivative, which simplifies <c>0*u</c> to 0.
    /// </summary>
    /// <param name="gradient">The gradient of the node.</param>
    /// <param name="partial">The local derivative of the node with respect to one operand.</param>
    /// <returns>The contribution to the operand's gradient.</returns>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static double Times(double gradient, double partial) => gradient == 0 || partial == 0 ? 0.0 : gradient * partial;
}
