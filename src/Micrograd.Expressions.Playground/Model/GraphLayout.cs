using Micrograd.Expressions.Calculus;
using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions.Playground.Model;

/// <summary>A value of the graph drawn as micrograd's record: label | data | grad (with its operation and operands, for the text form).</summary>
public sealed record GraphBox(int Id, double X, double Y, string Label, string Data, string Grad, string Operation, string Operands);

/// <summary>An operation of the graph drawn as micrograd's small ellipse between its operands and its result.</summary>
public sealed record GraphOp(int Id, double X, double Y, string Operation);

/// <summary>An edge, from the right side of one shape to the left side of the next.</summary>
public sealed record GraphEdge(double X1, double Y1, double X2, double Y2);

/// <summary>
/// micrograd's <c>draw_dot</c> picture of a formula's computation graph after one backward pass
/// (<see cref="Formula.Backpropagate"/>: the engine's tape, every node's value and gradient, for any formula the
/// engine reads), laid out by the page itself: left to right, each value in the column after its deepest operand
/// (a layered layout; the tape lists every value after its operands, so one pass places it), each operation's
/// ellipse between its operands and its result. Not Graphviz compiled to WebAssembly (@hpcc-js/wasm-graphviz): its
/// module alone is about as large as the whole engine, and a graph in evaluation order needs no general layout.
/// </summary>
public sealed record GraphLayout(IReadOnlyList<GraphBox> Boxes, IReadOnlyList<GraphOp> Ops, IReadOnlyList<GraphEdge> Edges, double Width, double Height)
{
    /// <summary>A value box's width in pixels.</summary>
    public const double BoxWidth = 210;

    /// <summary>A value box's height in pixels.</summary>
    public const double BoxHeight = 28;

    /// <summary>The most values the picture draws; a larger graph is too large to read as a picture.</summary>
    public const int MaxDrawn = 400;

    private const double Column = 90;
    private const double Row = 48;

    /// <summary>Lays out the graph of a backward pass.</summary>
    /// <param name="pass">The backward pass: the tape in evaluation order, each node's value and gradient.</param>
    /// <returns>The picture's shapes.</returns>
    public static GraphLayout Of(BackpropResult pass)
    {
        var graph = pass.Graph;
        var count = graph.Count;
        var layer = new int[count];
        var firstUse = new int[count];
        Array.Fill(firstUse, int.MaxValue);
        for (var i = 0; i < count; i++)
        {
            foreach (var operand in graph[i].Operands)
            {
                layer[i] = Math.Max(layer[i], layer[operand] + 1);
            }

            foreach (var operand in graph[i].Operands)
            {
                firstUse[operand] = Math.Min(firstUse[operand], layer[i]);
            }
        }

        // a leaf (an input or a number) stands in the column just before its first use, so its edge is short
        for (var i = 0; i < count; i++)
        {
            if (graph[i].Operands.IsEmpty && firstUse[i] != int.MaxValue)
            {
                layer[i] = firstUse[i] - 1;
            }
        }

        var rows = new Dictionary<int, int>();
        var boxes = new List<GraphBox>(count);
        var ops = new List<GraphOp>();
        var edges = new List<GraphEdge>();
        var place = new (double X, double Y)[count];
        for (var i = 0; i < count; i++)
        {
            var node = graph[i];
            var row = rows[layer[i]] = rows.GetValueOrDefault(layer[i]) + 1;
            var (x, y) = (10 + (layer[i] * (BoxWidth + Column)), 10 + ((row - 1) * Row));
            place[i] = (x, y);
            var label = node.Label ?? (node.Operation == "const" ? NumberText.Format(node.Constant) : i == count - 1 ? "output" : "");
            var operation = node.Operands.IsEmpty ? "" : node.Operation;
            boxes.Add(new GraphBox(i, x, y, label, Fixed(pass.Values[i]), Fixed(pass.Grads[i]), operation, string.Join(", ", node.Operands)));
            if (!node.Operands.IsEmpty)
            {
                var (ox, oy) = (x - (Column / 2), y + (BoxHeight / 2));
                ops.Add(new GraphOp(i, ox, oy, node.Operation));
                edges.Add(new GraphEdge(ox + 22, oy, x, oy));
                foreach (var operand in node.Operands.Distinct())
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
