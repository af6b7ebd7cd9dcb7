using System.Globalization;

namespace Micrograd.Expressions.Nn;

/// <summary>Points with labels, as a <see cref="Trainer"/> takes them.</summary>
/// <param name="Inputs">One row of features per point.</param>
/// <param name="Labels">One label per point.</param>
public sealed record LabelledPoints(IReadOnlyList<double[]> Inputs, IReadOnlyList<double> Labels)
{
    /// <summary>
    /// Reads CSV text: a header line, then one point per line, its features then its label, finite numbers in
    /// the invariant culture (<c>1.5</c>, <c>-2e-3</c>). Blank lines are skipped.
    /// </summary>
    /// <param name="reader">The text.</param>
    /// <returns>The points.</returns>
    /// <exception cref="FormatException">Empty text, a header without points, a row with another number of columns
    /// than the header, or a cell that is not a finite number; the message names the line and column.</exception>
    public static LabelledPoints ReadCsv(TextReader reader) => ReadCsv(reader, labels: null);

    /// <summary>Reads CSV text as <see cref="ReadCsv(TextReader)"/> does, and accepts only the given labels.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="labels">The labels a point may have (-1 and 1 for <see cref="LossKind.Svm"/>); any finite number when null.</param>
    /// <returns>The points.</returns>
    /// <exception cref="FormatException">As <see cref="ReadCsv(TextReader)"/>, or a label outside <paramref name="labels"/>;
    /// the message names the line and column.</exception>
    public static LabelledPoints ReadCsv(TextReader reader, IReadOnlyCollection<double>? labels)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var header = reader.ReadLine() ?? throw new FormatException("line 1, column 1: the data is empty; expected a header line, then one point per line");
        var columns = header.Split(',').Length;
        if (columns < 2)
        {
            throw new FormatException($"line 1, column 1: the header `{Clip(header)}` names {columns} column; a point needs at least one feature and a label");
        }

        var inputs = new List<double[]>();
        var accepted = new List<double>();
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
                throw new FormatException($"line {number}, column {Math.Min(cells.Length, columns) + 1}: {cells.Length} columns, but the header has {columns}");
            }

            var values = new double[columns];
            for (var i = 0; i < columns; i++)
            {
                values[i] = Finite(cells[i], number, i + 1);
            }

            if (labels is not null && !labels.Contains(values[^1]))
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture,
                    $"line {number}, column {columns}: the label is {values[^1]:R}; the labels must be {string.Join(" or ", labels.Select(l => l.ToString("R", CultureInfo.InvariantCulture)))}"));
            }

            inputs.Add(values[..^1]);
            accepted.Add(values[^1]);
        }

        return inputs.Count == 0
            ? throw new FormatException($"line {number + 1}, column 1: the data has a header but no points")
            : new LabelledPoints(inputs, accepted);
    }

    /// <summary>Reads numbers, one per line (for example initial parameters in micrograd's order).</summary>
    /// <param name="reader">The text.</param>
    /// <returns>The numbers.</returns>
    /// <exception cref="FormatException">A line that is not a finite number; the message names the line and column.</exception>
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

            numbers.Add(Finite(line, number, 1));
        }

        return numbers;
    }

    private static double Finite(string cell, int line, int column)
    {
        if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            throw new FormatException($"line {line}, column {column}: `{Clip(cell.Trim())}` is not a number");
        }

        return double.IsFinite(value)
            ? value
            : throw new FormatException($"line {line}, column {column}: `{Clip(cell.Trim())}` is not a finite number");
    }

    // a cell quoted in a message stays short, however long the line
    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
