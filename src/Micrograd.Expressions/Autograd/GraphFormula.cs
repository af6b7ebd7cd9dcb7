using System.Collections.Immutable;
using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions.Autograd;

/// <summary>
/// A <see cref="Value"/> graph as a <see cref="Formula"/>: leaves become parameters, constants numbers, each
/// operation the node that computes the same bits, and a value used more than once (or one that would make the
/// tree deep) a <c>let</c> binding, so the tree stays as small as the graph and shallow enough for any stack.
/// </summary>
internal static class GraphFormula
{
    // a value deeper than this below the last binding gets a binding of its own
    private const int MaxInlineDepth = 64;

    public static Formula Of(Value root, IEnumerable<Value>? parameters, FormulaOptions? options)
    {
        var order = root.Graph();
        var users = new Dictionary<Value, int>(ReferenceEqualityComparer.Instance);
        foreach (var node in order)
        {
            foreach (var child in node.Children)
            {
                users[child] = users.GetValueOrDefault(child) + 1;
            }
        }

        // parameter names: the labels that are names and unique, else v1, v2, ...
        var leaves = parameters?.ToList() ?? [.. order.Where(v => v.Kind == ValueOp.Input)];
        var names = new Dictionary<Value, string>(ReferenceEqualityComparer.Instance);
        var generator = new Names([]);
        string Name(Value v, string stem) =>
            names[v] = v.Label is { } label && IsName(label) && generator.IsFree(label) ? generator.Claim(label) : generator.Fresh(stem, numbered: true);

        foreach (var leaf in leaves)
        {
            if (leaf.Kind != ValueOp.Input)
            {
                throw new ArgumentException("the parameters of a formula must be leaves of the graph (values created with new Value)", nameof(parameters));
            }

            Name(leaf, "v");
        }

        var trees = new Dictionary<Value, Expr>(ReferenceEqualityComparer.Instance);
        var depths = new Dictionary<Value, int>(ReferenceEqualityComparer.Instance);
        var bindings = ImmutableArray.CreateBuilder<Binding>();
        foreach (var node in order)
        {
            Expr tree;
            var depth = 0;
            switch (node.Kind)
            {
                case ValueOp.Input:
                    tree = new Variable(names.TryGetValue(node, out var name) ? name
                        : throw new ArgumentException($"the graph has a leaf{(node.Label is null ? "" : $" `{node.Label}`")} that is not among the parameters", nameof(parameters)));
                    break;
                case ValueOp.Constant:
                    tree = new Number(node.Data);
                    break;
                default:
                    depth = node.Children.Max(c => depths[c]) + (node.Kind == ValueOp.Dot ? 2 : 1);
                    tree = Operation(node, trees);
                    break;
            }

            // u**-1 as a factor would be read as a division (a/u); micrograd multiplies by the power, so it gets a name
            if (node.Kind is not (ValueOp.Input or ValueOp.Constant) && node != root
                && (users.GetValueOrDefault(node) > 1 || depth >= MaxInlineDepth || node is { Kind: ValueOp.Power, Exponent: -1 }))
            {
                var bound = Name(node, "t");
                bindings.Add(new Binding(bound, tree));
                tree = new Variable(bound);
                depth = 0;
            }

            trees[node] = tree;
            depths[node] = depth;
        }

        var body = trees[root];
        var expr = bindings.Count == 0 ? body : new Let(bindings.ToImmutable(), body);
        return Formula.FromTree(expr, leaves.Select(l => names[l]), options);
    }

    // the node that computes the same bits as the value's operation
    private static Expr Operation(Value node, Dictionary<Value, Expr> trees)
    {
        if (node.Terms is { } terms)
        {
            // ((b + w0*x0) + w1*x1) + ...
            return Exact.Sum(trees[terms[0]], Enumerable.Range(0, terms.Length / 2)
                .Select(i => Exact.Product(trees[terms[1 + (2 * i)]], [trees[terms[2 + (2 * i)]]])).ToList());
        }

        var a = trees[node.First!];
        return node.Kind switch
        {
            ValueOp.Add => Exact.Sum(a, [trees[node.Second!]]),
            ValueOp.Multiply => Exact.Product(a, [trees[node.Second!]]),
            ValueOp.Power => new Power(a, new Number(node.Exponent)),
            ValueOp.Tanh => Call("tanh", a),
            ValueOp.Exp => Call("exp", a),
            ValueOp.Log => Call("log", a),
            ValueOp.Relu => Call("relu", a),
            ValueOp.Sigmoid => Call("sigmoid", a),
            _ => throw new InvalidOperationException($"unknown operation {node.Kind}"),
        };
    }

    private static Call Call(string function, Expr argument) => new(Function.Named(function), [argument]);

    // a label usable as a parameter or binding name: a name of the language that is not a built-in function or constant
    private static bool IsName(string label) => Tokens.IsName(label) && !Function.TryLookup(label, out _);
}
