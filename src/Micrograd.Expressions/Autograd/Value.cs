using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions.Autograd;

/// <summary>
/// A scalar that remembers how it was computed, as micrograd's <c>Value</c>: arithmetic on values builds a
/// graph, and <see cref="Backward"/> fills every <see cref="Grad"/> of the graph with the derivative of this
/// value. A <c>double</c> on either side of an operator becomes a constant of the graph.
/// </summary>
/// <example>
/// <code>
/// var a = new Value(2.0, "a");
/// var b = new Value(-3.0, "b");
/// var c = new Value(10.0, "c");
/// var L = a * b + c;          // 4
/// L.Backward();               // a.Grad = -3, b.Grad = 2, c.Grad = 1
/// </code>
/// </example>
/// <remarks>
/// Not thread-safe: a graph is built, differentiated and updated by one thread at a time. Nothing recurses,
/// so graphs of millions of values work on any thread.
/// </remarks>
public sealed partial class Value : ILossArithmetic<Value>
{
    private readonly Value? a;
    private readonly Value? b;

    // a neuron's weighted sum: [bias, w0, x0, w1, x1, ...]; null for every other operation
    private readonly Value[]? terms;
    private readonly double exponent;
    private int visited;

    /// <summary>A leaf: an input or a parameter of the graph.</summary>
    /// <param name="data">Its value.</param>
    /// <param name="label">A name for pictures and formulas (<see cref="ToFormula"/> uses it as the parameter name).</param>
    public Value(double data, string? label = null)
        : this(data, ValueOp.Input, null, null, 0, label)
    {
    }

    private Value(double data, ValueOp op, Value? a, Value? b, double exponent, string? label = null)
    {
        Data = data;
        Kind = op;
        this.a = a;
        this.b = b;
        this.exponent = exponent;
        Label = label;
    }

    private Value(double data, Value[] terms)
    {
        Data = data;
        Kind = ValueOp.Dot;
        this.terms = terms;
    }

    /// <summary>The value; settable, as micrograd's update loop sets <c>p.data</c>.</summary>
    public double Data { get; set; }

    /// <summary>d(output)/d(this value) after <see cref="Backward"/> of an output; settable (zeroed before a step).</summary>
    public double Grad { get; set; }

    /// <summary>The name given at creation, or null.</summary>
    public string? Label { get; set; }

    /// <summary>
    /// The operation that produced the value, named as in formulas (so <see cref="ToFormula"/> and a graph's labels
    /// say the same): <c>""</c> for a leaf, <c>+</c>, <c>*</c>, <c>**k</c>, <c>tanh</c>, <c>exp</c>, <c>log</c>,
    /// <c>relu</c>, <c>sigmoid</c>.
    /// </summary>
    public string Op => Kind switch
    {
        ValueOp.Add => "+",
        ValueOp.Multiply => "*",
        ValueOp.Power => "**" + NumberText.Format(exponent),
        ValueOp.Tanh => "tanh",
        ValueOp.Exp => "exp",
        ValueOp.Log => "log",
        ValueOp.Relu => "relu",
        ValueOp.Sigmoid => "sigmoid",
        ValueOp.Dot => "+",
        _ => "",
    };

    /// <summary>The values this one was computed from (none for a leaf).</summary>
    public IReadOnlyList<Value> Children => terms ?? (a, b) switch
    {
        (null, _) => [],
        (_, null) => [a],
        _ => [a, b],
    };

    /// <summary>True for a leaf made from a <c>double</c> by an operator (a constant, not a parameter).</summary>
    public bool IsConstant => Kind == ValueOp.Constant;

    internal ValueOp Kind { get; }

    internal Value? First => a;

    internal Value[]? Terms => terms;

    internal Value? Second => b;

    internal double Exponent => exponent;

    /// <summary><c>a + b</c>.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>The sum.</returns>
    public static Value operator +(Value a, Value b) => new(a.Data + b.Data, ValueOp.Add, a, b, 0);

    /// <summary><c>a + b</c> with a constant.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand, a constant of the graph.</param>
    /// <returns>The sum.</returns>
    public static Value operator +(Value a, double b) => a + Constant(b);

    /// <summary><c>a + b</c> with a constant (micrograd's <c>__radd__</c>: <c>b + a</c> is computed as <c>b + a</c>'s mirror, <c>a + b</c>).</summary>
    /// <param name="a">The left operand, a constant of the graph.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>The sum.</returns>
    public static Value operator +(double a, Value b) => b + Constant(a);

    /// <summary><c>a * b</c>.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>The product.</returns>
    public static Value operator *(Value a, Value b) => new(a.Data * b.Data, ValueOp.Multiply, a, b, 0);

    /// <summary><c>a * b</c> with a constant.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand, a constant.</param>
    /// <returns>The product.</returns>
    public static Value operator *(Value a, double b) => a * Constant(b);

    /// <summary><c>a * b</c> with a constant, computed as micrograd's <c>__rmul__</c>: <c>b * a</c>.</summary>
    /// <param name="a">The left operand, a constant.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>The product.</returns>
    public static Value operator *(double a, Value b) => b * Constant(a);

    /// <summary><c>-a</c>, as micrograd: <c>a * -1</c>.</summary>
    /// <param name="a">The operand.</param>
    /// <returns>The negation.</returns>
    public static Value operator -(Value a) => a * -1.0;

    /// <summary><c>a - b</c>, as micrograd: <c>a + (-b)</c>.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>The difference.</returns>
    public static Value operator -(Value a, Value b) => a + (-b);

    /// <summary><c>a - b</c> with a constant: <c>a + (-b)</c>.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand, a constant.</param>
    /// <returns>The difference.</returns>
    public static Value operator -(Value a, double b) => a + (-b);

    /// <summary><c>a - b</c> with a constant, as micrograd's <c>__rsub__</c>: <c>a + (-b)</c>.</summary>
    /// <param name="a">The left operand, a constant.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>The difference.</returns>
    public static Value operator -(double a, Value b) => a + (-b);

    /// <summary><c>a / b</c>, as micrograd: <c>a * b**-1</c>.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>The quotient.</returns>
    public static Value operator /(Value a, Value b) => a * b.Pow(-1);

    /// <summary><c>a / b</c> with a constant: as micrograd, <c>a * b**-1</c> with <c>b**-1</c> a number.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand, a constant.</param>
    /// <returns>The quotient.</returns>
    public static Value operator /(Value a, double b) => a * Power(b, -1);

    /// <summary><c>a / b</c> with a constant, as micrograd's <c>__rtruediv__</c>: <c>a * b**-1</c>.</summary>
    /// <param name="a">The left operand, a constant.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>The quotient.</returns>
    public static Value operator /(double a, Value b) => a * b.Pow(-1);

    /// <summary><c>this ** k</c> for a constant exponent (whole exponents up to 4 in size are multiplications, as in the engine).</summary>
    /// <param name="k">The exponent.</param>
    /// <returns>The power.</returns>
    public Value Pow(double k) => new(Power(Data, k), ValueOp.Power, this, null, k);

    /// <summary>The hyperbolic tangent, the lecture's neuron activation.</summary>
    /// <returns><c>tanh(this)</c>.</returns>
    public Value Tanh() => new(Math.Tanh(Data), ValueOp.Tanh, this, null, 0);

    /// <summary>The exponential.</summary>
    /// <returns><c>exp(this)</c>.</returns>
    public Value Exp() => new(Math.Exp(Data), ValueOp.Exp, this, null, 0);

    /// <summary>The natural logarithm.</summary>
    /// <returns><c>log(this)</c>.</returns>
    public Value Log() => new(Math.Log(Data), ValueOp.Log, this, null, 0);

    /// <summary>
    /// <c>relu</c>: the value when positive, else 0 (-0.0 gives 0.0; NaN stays NaN), the same bits as the
    /// formula's <c>relu</c>: both call the method of the function table's row.
    /// </summary>
    /// <returns><c>relu(this)</c>.</returns>
    public Value Relu() => new(Relu(Data), ValueOp.Relu, this, null, 0);

    /// <summary>The logistic function <c>1/(1 + exp(-x))</c>.</summary>
    /// <returns><c>sigmoid(this)</c>.</returns>
    public Value Sigmoid() => new(Builtins.Sigmoid(Data), ValueOp.Sigmoid, this, null, 0);

    /// <summary>
    /// The graph as a formula whose parameters are its leaves (their labels, or generated names), its constants as
    /// numbers, and values used more than once as <c>let</c> bindings, so that it prints, differentiates, draws and
    /// compiles. Evaluated at the leaves' data it gives <see cref="Data"/>.
    /// </summary>
    /// <param name="parameters">The leaves in the order the formula takes them; by default the leaves in order of first use.</param>
    /// <param name="options">The formula's limits (a large network's loss needs more than the defaults).</param>
    /// <returns>The formula.</returns>
    public Formula ToFormula(IEnumerable<Value>? parameters = null, FormulaOptions? options = null) =>
        GraphFormula.Of(this, parameters, options);

    /// <inheritdoc/>
    public override string ToString() =>
        $"Value(data={NumberText.Format(Data)}, grad={NumberText.Format(Grad)})";

    internal static Value Constant(double value) => new(value, ValueOp.Constant, null, null, 0);

    /// <summary>
    /// <c>bias + w0*x0 + w1*x1 + ...</c> as one value: the same additions and products in the same order as
    /// micrograd's chain of <c>+</c> and <c>*</c> values, so the same data and the same gradients, with one value
    /// instead of two per input (a neuron's weighted sum).
    /// </summary>
    internal static Value WeightedSum(Value bias, IReadOnlyList<Value> weights, IReadOnlyList<Value> inputs)
    {
        var terms = new Value[1 + (2 * weights.Count)];
        terms[0] = bias;
        var sum = bias.Data;
        for (var i = 0; i < weights.Count; i++)
        {
            terms[1 + (2 * i)] = weights[i];
            terms[2 + (2 * i)] = inputs[i];
            sum += weights[i].Data * inputs[i].Data;
        }

        return new Value(sum, terms);
    }

    internal static double Power(double x, double k) => Steps.PowerByLiteral(x, k);

    /// <summary>relu of a number: the relu row's method.</summary>
    internal static double Relu(double x) => Builtins.Relu(x);
}

/// <summary>The operations of a <see cref="Value"/>.</summary>
internal enum ValueOp : byte
{
    Input,
    Constant,
    Add,
    Multiply,
    Power,
    Tanh,
    Exp,
    Log,
    Relu,
    Sigmoid,
    Dot,
}
