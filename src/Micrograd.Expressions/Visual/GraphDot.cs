using System.Globalization;
using System.Text;
using Micrograd.Expressions.Calculus;

namespace Micrograd.Expressions.Visual;

/// <summary>
/// Writes the computation graph of a backward pass in Graphviz DOT, drawn as micrograd's <c>draw_dot</c>
/// draws it: left to right, each value a record <c>label | data | grad</c> (4 decimals), each operation a
/// small node of its own between its operands and its result.
/// </summary>
public static class GraphDot
{
    /// <summary>The DOT text of a graph.</summary>
    /// <param name="result">A backward pass, from <see cref="Formula.Backpropagate"/>.</param>
    /// <returns>A <c>digraph</c> that <c>dot -Tsvg</c> renders.</returns>
    public static string Write(BackpropResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var dot = new StringBuilder();
        dot.Append("digraph G {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n");
        for (var i = 0; i < result.Graph.Count; i++)
        {
            var node = result.Graph[i];
            var label = node.Label ?? (node.Operation == "const" ? Syntax.NumberText.Format(node.Constant) : i == result.Graph.Count - 1 ? "output" : "");
            dot.Append(CultureInfo.InvariantCulture,
                $"  v{i} [shape=record, label=\"{{ {Escape(label)} | data {Fixed(result.Values[i])} | grad {Fixed(result.Grads[i])} }}\"];\n");
            if (node.Operands.Length > 0)
            {
                dot.Append(CultureInfo.InvariantCulture, $"  op{i} [label=\"{Escape(node.Operation)}\", shape=ellipse];\n");
                dot.Append(CultureInfo.InvariantCulture, $"  op{i} -> v{i};\n");
                foreach (var operand in node.Operands)
                {
                    dot.Append(CultureInfo.InvariantCulture, $"  v{operand} -> op{i};\n");
                }
            }
        }

        dot.Append("}\n");
        return dot.ToString();
    }

    /// <summary>
    /// The DOT text of a <see cref="Autograd.Value"/> graph as it stands (data, and grad after
    /// <see cref="Autograd.Value.Backward"/>), drawn as micrograd's <c>draw_dot</c>: each value a record
    /// <c>label | data | grad</c>, each operation a node of its own.
    /// </summary>
    /// <param name="output">The value whose graph to draw.</param>
    /// <returns>A <c>digraph</c> that <c>dot -Tsvg</c> renders.</returns>
    public static string Write(Autograd.Value output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var graph = output.Graph();
        var ids = new Dictionary<Autograd.Value, int>(ReferenceEqualityComparer.Instance);
        var dot = new StringBuilder();
        dot.Append("digraph G {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n");
        foreach (var value in graph)
        {
            var i = ids[value] = ids.Count;
            dot.Append(CultureInfo.InvariantCulture,
                $"  v{i} [shape=record, label=\"{{ {Escape(value.Label ?? "")} | data {Fixed(value.Data)} | grad {Fixed(value.Grad)} }}\"];\n");
            if (value.Children.Count > 0)
            {
                dot.Append(CultureInfo.InvariantCulture, $"  op{i} [label=\"{Escape(value.Op)}\", shape=ellipse];\n  op{i} -> v{i};\n");
                foreach (var child in value.Children.Distinct())
                {
                    dot.Append(CultureInfo.InvariantCulture, $"  v{ids[child]} -> op{i};\n");
                }
            }
        }

        dot.Append("}\n");
        return dot.ToString();
    }

    private static string Fixed(double value) => double.IsFinite(value)
        ? value.ToString("0.0000", CultureInfo.InvariantCulture)
        : Syntax.NumberText.Format(value);

    // record labels treat { } | < > and quotes as syntax
    private static string Escape(string text)
    {
        var sb = new StringBuilder();
        foreach (var c in text)
        {
            if (c is '{' or '}' or '|' or '<' or '>' or '"' or '\\')
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.ToString();
    }
}
