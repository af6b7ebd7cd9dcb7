using Micrograd.Expressions.Autograd;
using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions.Playground.Model;

/// <summary>A value of the graph drawn as micrograd's record: label | data | grad (with its operation and operands, for the text form).</summary>
public sealed record GraphBox(int Id, double X, double Y, string Label, string Data, string Grad, string Operation, string Operands);

/// <summary>An operation of the graph drawn as micrograd's small ellipse between its operands and its result.</summary>
public sealed record GraphOp(int Id, double X, double Y, string Operation);

/// <summary>An edge, from the right side of one shape to the left side of the next.</summary>
public sealed record GraphEdge(double X1, double Y1, double X2, double Y2);

/// <summary>
/// micrograd's <c>draw_dot</c> picture of a graph of values after <see cref="Value.Backward"/>, laid out by the page itself: left to right, each value in
/// the column after its deepest operand (a layered layout; the graph is a DAG in evaluation order, so one pass
/// places it), each operation's ellipse between its operands and its result. Not Graphviz compiled to WebAssembly
/// (@hpcc-js/wasm-graphviz): its module alone is about as large as the whole engine, and a graph in evaluation
/// order needs no general layout.
/// </summary>
public sealed record GraphLayout(IReadOnlyList<GraphBox> Boxes, IReadOnlyList<GraphOp> Ops, IReadOnlyList<GraphEdge> Edges, double Width, double Height)
{
    /// <summary>A value box's width in pixels.</summary>
    public const double BoxWidth = 210;

    /// <summary>A value box's height in pixels.</summary>
    public const double BoxHeight = 28;

    private const double Column = 90;
    private const double Row = 48;

    /// <summary>Lays out a graph of values after its backward pass.</summary>
    /// <param name="output">The output value.</param>
    /// <returns>The picture's shapes.</returns>
    public static GraphLayout Of(Value output)
    {
        // Graph() lists every value after the values it is computed from
        var graph = output.Graph();
        var ids = new Dictionary<Value, int>(ReferenceEqualityComparer.Instance);
        var operands = new List<int>[graph.Count];
        var layer = new int[graph.Count];
        for (var i = 0; i < graph.Count; i++)
        {
            ids[graph[i]] = i;
            operands[i] = [.. graph[i].Children.Distinct().Select(c => ids[c])];
            layer[i] = operands[i].Count == 0 ? 0 : operands[i].Max(o => layer[o]) + 1;
        }

        // a leaf (an input or a number) stands in the column just before its first use, so its edge is short
        for (var i = graph.Count - 1; i >= 0; i--)
        {
            var uses = Enumerable.Range(i + 1, graph.Count - i - 1).Where(j => operands[j].Contains(i)).Select(j => layer[j]).ToList();
            if (operands[i].Count == 0 && uses.Count > 0)
            {
                layer[i] = uses.Min() - 1;
            }
        }

        var rows = new Dictionary<int, int>();
        var boxes = new List<GraphBox>();
        var ops = new List<GraphOp>();
        var edges = new List<GraphEdge>();
        var place = new (double X, double Y)[graph.Count];
        for (var i = 0; i < graph.Count; i++)
        {
            var value = graph[i];
            var row = rows[layer[i]] = rows.GetValueOrDefault(layer[i]) + 1;
            var (x, y) = (10 + (layer[i] * (BoxWidth + Column)), 10 + ((row - 1) * Row));
            place[i] = (x, y);
            var label = value.Label ?? (i == graph.Count - 1 ? "output" : "");
            boxes.Add(new GraphBox(i, x, y, label, Fixed(value.Data), Fixed(value.Grad), value.Op, string.Join(", ", operands[i])));
            if (operands[i].Count > 0)
            {
                var (ox, oy) = (x - (Column / 2), y + (BoxHeight / 2));
                ops.Add(new GraphOp(i, ox, oy, value.Op));
                edges.Add(new GraphEdge(ox + 22, oy, x, oy));
                foreach (var operand in operands[i])
                {
                    edges.Add(new GraphEdge(place[operand].X + BoxWidth, place[operand].Y + (BoxHeight / 2), ox - 22, oy));
                }
            }
        }

        var width = 20 + ((layer.DefaultIfEmpty().Max() + 1) * (BoxWidth + Column)) - Column;
        var height = 20 + (rows.Values.DefaultIfEmpty(1).Max() * Row);
        return new GraphLayout(boxes, ops, edges, width, height);
    }

    // micrograd's four decimals
    private static string Fixed(double value) => double.IsFinite(value)
        ? value.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture)
        : NumberText.Format(value);
}
