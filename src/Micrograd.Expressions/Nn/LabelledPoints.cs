using System.Globalization;

namespace Micrograd.Expressions.Nn;

/// <summary>Points with labels, as a <see cref="Trainer"/> takes them.</summary>
/// <param name="Inputs">One row of features per point.</param>
/// <param name="Labels">One label per point.</param>
public sealed record LabelledPoints(IReadOnlyList<double[]> Inputs, IReadOnlyList<double> Labels)
{
    /// <summary>
    /// Reads CSV text: a header line, then one point per line, its features then its label, numbers in the
    /// invariant culture (<c>1.5</c>, <c>-2e-3</c>). Blank lines are skipped.
    /// </summary>
    /// <param name="reader">The text.</param>
    /// <returns>The points.</returns>
    /// <exception cref="FormatException">A line that is not numbers, or has another number of columns; the message names the line.</exception>
    public static LabelledPoints ReadCsv(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var header = reader.ReadLine() ?? throw new FormatException("the data is empty: expected a header line, then one point per line");
        var columns = header.Split(',').Length;
        if (columns < 2)
        {
            throw new FormatException($"line 1: the header `{header}` names {columns} column; a point needs at least one feature and a label");
        }

        var inputs = new List<double[]>();
        var labels = new List<double>();
        var number = 1;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var cells = line.Split(',');
            if (cells.Length != columns)
            {
                throw new FormatException($"line {number}: {cells.Length} columns, but the header has {columns}");
            }

            var values = new double[columns];
            for (var i = 0; i < columns; i++)
            {
                if (!double.TryParse(cells[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
                {
                    throw new FormatException($"line {number}, column {i + 1}: `{cells[i].Trim()}` is not a number");
                }
            }

            inputs.Add(values[..^1]);
            labels.Add(values[^1]);
        }

        return inputs.Count == 0 ? throw new FormatException("the data has a header but no points") : new LabelledPoints(inputs, labels);
    }

    /// <summary>Reads numbers, one per line (for example initial parameters in micrograd's order).</summary>
    /// <param name="reader">The text.</param>
    /// <returns>The numbers.</returns>
    /// <exception cref="FormatException">A line that is not a number; the message names the line.</exception>
    public static IReadOnlyList<double> ReadNumbers(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var numbers = new List<double>();
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            numbers.Add(double.TryParse(line, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new FormatException($"line {number}: `{line.Trim()}` is not a number"));
        }

        return numbers;
    }
}
