using System.Collections.Immutable;

namespace Micrograd.Expressions.Calculus;

/// <summary>
/// Computes a formula's value and fills its gradient in one call: the forward sweep and the reverse sweep
/// of reverse-mode differentiation, compiled together. It allocates nothing per call (unless more than
/// 8,192 values must be kept at once, as in the reverse sweep of a product of thousands of factors: they
/// then live in one array).
/// </summary>
/// <param name="point">One value per parameter, in parameter order.</param>
/// <param name="gradient">Receives d(formula)/d(parameter) for every parameter, in parameter order.</param>
/// <returns>The formula's value.</returns>
public delegate double GradientFunction(double[] point, double[] gradient);

/// <summary>One value of the computation graph: an input, a let-bound name, or an intermediate operation.</summary>
/// <param name="Label">The parameter or binding name, or null for an intermediate.</param>
/// <param name="Operation">What computes it: <c>input</c>, <c>const</c>, <c>+</c>, <c>-</c>, <c>*</c>, <c>/</c>, <c>neg</c>, <c>**</c> or a function name.</param>
/// <param name="Operands">The indices of the values it is computed from.</param>
/// <param name="Constant">For <c>const</c>, its value.</param>
public sealed record GraphNode(string? Label, string Operation, ImmutableArray<int> Operands, double Constant = 0);

/// <summary>A value and the gradient of the output with respect to it.</summary>
/// <param name="Name">The parameter or binding name (a rebound name gets <c>#2</c>, <c>#3</c>, ...).</param>
/// <param name="Value">Its value.</param>
/// <param name="Grad">d(output)/d(this value), accumulated over every use.</param>
public sealed record NodeGradient(string Name, double Value, double Grad);

/// <summary>What one backward pass found.</summary>
/// <param name="Value">The formula's value.</param>
/// <param name="Gradient">d(output)/d(parameter) for every parameter.</param>
/// <param name="Nodes">Parameters first, then let-bound names in order.</param>
/// <param name="Graph">Every value of the graph, in evaluation order; the last is the output.</param>
/// <param name="Values">The value of each graph node.</param>
/// <param name="Grads">The gradient of each graph node.</param>
public sealed record BackpropResult(
    double Value,
    IReadOnlyDictionary<string, double> Gradient,
    IReadOnlyList<NodeGradient> Nodes,
    IReadOnlyList<GraphNode> Graph,
    IReadOnlyList<double> Values,
    IReadOnlyList<double> Grads);
