using Micrograd.Expressions.Autograd;

namespace Micrograd.Expressions.Nn;

/// <summary>The activation of a neuron.</summary>
public enum Activation
{
    /// <summary>None: the weighted sum itself (micrograd's last layer).</summary>
    Linear,

    /// <summary><c>relu</c> (micrograd's hidden layers).</summary>
    Relu,

    /// <summary><c>tanh</c> (the lecture's neuron).</summary>
    Tanh,
}

/// <summary>How the biases start.</summary>
public enum BiasInit
{
    /// <summary>0, as micrograd's nn.py.</summary>
    Zero,

    /// <summary>uniform(-1, 1), drawn after the neuron's weights, as in the lecture.</summary>
    Uniform,
}

/// <summary>micrograd's <c>Module</c>: something with parameters.</summary>
public abstract class Module
{
    /// <summary>The parameters, in micrograd's order.</summary>
    /// <returns>The parameter values.</returns>
    public abstract IReadOnlyList<Value> Parameters();

    /// <summary>Sets every parameter's gradient to 0 (micrograd's <c>zero_grad</c>).</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters())
        {
            p.Grad = 0;
        }
    }

    /// <summary>Sets the parameters' data, in <see cref="Parameters"/> order (for example micrograd's initial weights).</summary>
    /// <param name="values">One number per parameter.</param>
    public void Load(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var parameters = Parameters();
        if (values.Count != parameters.Count)
        {
            throw new ArgumentException($"the module has {parameters.Count} parameters but {values.Count} values were given", nameof(values));
        }

        for (var i = 0; i < values.Count; i++)
        {
            parameters[i].Data = values[i];
        }
    }
}

/// <summary>micrograd's <c>Neuron</c>: <c>activation(b + w0*x0 + w1*x1 + ...)</c>, summed in that order.</summary>
public sealed class Neuron : Module
{
    private readonly Value[] weights;
    private readonly Value bias;

    /// <summary>A neuron with weights drawn uniformly from (-1, 1).</summary>
    /// <param name="inputs">How many inputs.</param>
    /// <param name="random">The source of the initial weights (and biases, with <see cref="BiasInit.Uniform"/>).</param>
    /// <param name="activation">The activation; micrograd's hidden neurons use <see cref="Activation.Relu"/>.</param>
    /// <param name="bias">How the bias starts.</param>
    public Neuron(int inputs, Random random, Activation activation = Activation.Relu, BiasInit bias = BiasInit.Zero)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputs);
        ArgumentNullException.ThrowIfNull(random);
        weights = [.. Enumerable.Range(0, inputs).Select(_ => new Value(Uniform(random)))];
        this.bias = new Value(bias == BiasInit.Uniform ? Uniform(random) : 0.0);
        Activation = activation;
    }

    /// <summary>The activation.</summary>
    public Activation Activation { get; }

    /// <summary>The number of inputs.</summary>
    public int Inputs => weights.Length;

    /// <summary>The neuron's output for some inputs.</summary>
    /// <param name="x">One value per input.</param>
    /// <returns>The activation of the weighted sum.</returns>
    public Value Forward(IReadOnlyList<Value> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Count != weights.Length)
        {
            throw new ArgumentException($"the neuron takes {weights.Length} inputs, not {x.Count}", nameof(x));
        }

        // micrograd's sum((wi*xi for wi, xi in zip(w, x)), b), as one value with the same arithmetic
        var act = Value.WeightedSum(bias, weights, x);

        return Activation switch
        {
            Activation.Relu => act.Relu(),
            Activation.Tanh => act.Tanh(),
            _ => act,
        };
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Value> Parameters() => [.. weights, bias];

    /// <inheritdoc/>
    public override string ToString() => $"{Activation switch { Activation.Relu => "ReLU", Activation.Tanh => "Tanh", _ => "Linear" }}Neuron({weights.Length})";

    // Python's random.uniform(-1, 1) is -1 + 2*random(); same shape here
    internal static double Uniform(Random random) => -1.0 + (2.0 * random.NextDouble());
}

/// <summary>micrograd's <c>Layer</c>: neurons that read the same inputs.</summary>
public sealed class Layer : Module
{
    private readonly Neuron[] neurons;

    /// <summary>A layer of <paramref name="outputs"/> neurons of <paramref name="inputs"/> inputs each.</summary>
    /// <param name="inputs">Inputs per neuron.</param>
    /// <param name="outputs">Neurons.</param>
    /// <param name="random">The source of the initial weights.</param>
    /// <param name="activation">The neurons' activation.</param>
    /// <param name="bias">How the biases start.</param>
    public Layer(int inputs, int outputs, Random random, Activation activation = Activation.Relu, BiasInit bias = BiasInit.Zero)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputs);
        neurons = [.. Enumerable.Range(0, outputs).Select(_ => new Neuron(inputs, random, activation, bias))];
    }

    /// <summary>The neurons.</summary>
    public IReadOnlyList<Neuron> Neurons => neurons;

    /// <summary>Every neuron's output.</summary>
    /// <param name="x">The inputs.</param>
    /// <returns>One value per neuron.</returns>
    public IReadOnlyList<Value> Forward(IReadOnlyList<Value> x) => [.. neurons.Select(n => n.Forward(x))];

    /// <inheritdoc/>
    public override IReadOnlyList<Value> Parameters() => [.. neurons.SelectMany(n => n.Parameters())];

    /// <inheritdoc/>
    public override string ToString() => $"Layer of [{string.Join(", ", neurons.Select(n => n.ToString()))}]";
}

/// <summary>
/// micrograd's <c>MLP</c>: layers of neurons, ReLU in the hidden layers and linear in the last by default (the
/// demo's model), or the lecture's model with tanh everywhere and random biases.
/// </summary>
/// <example>
/// <code>
/// var model = new Mlp(2, [16, 16, 1], new Random(1337));
/// Value score = model.Forward([0.5, -1.0])[0];
/// </code>
/// </example>
public sealed class Mlp : Module
{
    private readonly Layer[] layers;

    /// <summary>A multi-layer perceptron.</summary>
    /// <param name="inputs">Inputs of the first layer.</param>
    /// <param name="outputs">Neurons of each layer, the last being the network's outputs.</param>
    /// <param name="random">The source of the initial weights.</param>
    /// <param name="hidden">The activation of every layer but the last.</param>
    /// <param name="output">The activation of the last layer.</param>
    /// <param name="bias">How the biases start.</param>
    public Mlp(int inputs, IReadOnlyList<int> outputs, Random random, Activation hidden = Activation.Relu, Activation output = Activation.Linear, BiasInit bias = BiasInit.Zero)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        if (outputs.Count == 0)
        {
            throw new ArgumentException("an MLP needs at least one layer", nameof(outputs));
        }

        var sizes = new[] { inputs }.Concat(outputs).ToArray();
        layers = [.. Enumerable.Range(0, outputs.Count).Select(i => new Layer(sizes[i], sizes[i + 1], random, i == outputs.Count - 1 ? output : hidden, bias))];
        Inputs = inputs;
    }

    /// <summary>The number of inputs.</summary>
    public int Inputs { get; }

    /// <summary>The layers, first to last.</summary>
    public IReadOnlyList<Layer> Layers => layers;

    /// <summary>The network's outputs for some inputs.</summary>
    /// <param name="x">One value per input.</param>
    /// <returns>One value per neuron of the last layer.</returns>
    public IReadOnlyList<Value> Forward(IReadOnlyList<Value> x)
    {
        foreach (var layer in layers)
        {
            x = layer.Forward(x);
        }

        return x;
    }

    /// <summary>The network's outputs for numbers (each becomes a constant of the graph, as micrograd's floats).</summary>
    /// <param name="x">One number per input.</param>
    /// <returns>One value per neuron of the last layer.</returns>
    public IReadOnlyList<Value> Forward(IReadOnlyList<double> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Forward([.. x.Select(Value.Constant)]);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Value> Parameters() => [.. layers.SelectMany(l => l.Parameters())];

    /// <inheritdoc/>
    public override string ToString() => $"MLP of [{string.Join(", ", layers.Select(l => l.ToString()))}]";
}
