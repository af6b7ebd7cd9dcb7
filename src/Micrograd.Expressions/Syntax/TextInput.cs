using Sprache;

namespace Micrograd.Expressions.Syntax;

/// <summary>
/// The parser's view of the text: a position with its line and column. Unlike Sprache's own input it
/// creates its memo table only when asked and can skip a whole token in one step, so reading a token
/// allocates one small object instead of one per character.
/// </summary>
internal sealed class TextInput : IInput, IEquatable<IInput>
{
    private Dictionary<object, object>? memos;

    public TextInput(string source, Parser.ReadState? state = null)
        : this(source, state, 0, 1, 1)
    {
    }

    private TextInput(string source, Parser.ReadState? state, int position, int line, int column)
    {
        Source = source;
        State = state;
        Position = position;
        Line = line;
        Column = column;
    }

    public string Source { get; }

    /// <summary>The state of the read this input belongs to (nesting, names in scope), carried from position to position.</summary>
    public Parser.ReadState? State { get; }

    public int Position { get; }

    public int Line { get; }

    public int Column { get; }

    public char Current => Source[Position];

    public bool AtEnd => Position == Source.Length;

    public IDictionary<object, object> Memos => memos ??= [];

    public IInput Advance() => AdvanceBy(1);

    /// <summary>The input <paramref name="count"/> characters further on, with line and column kept right.</summary>
    public TextInput AdvanceBy(int count)
    {
        if (Position + count > Source.Length)
        {
            throw new InvalidOperationException("cannot advance past the end of the input");
        }

        var (line, column) = (Line, Column);
        for (var i = Position; i < Position + count; i++)
        {
            (line, column) = Source[i] == '\n' ? (line + 1, 1) : (line, column + 1);
        }

        return new TextInput(Source, State, Position + count, line, column);
    }

    public bool Equals(IInput? other) => other is not null && ReferenceEquals(Source, other.Source) && Position == other.Position;

    public override bool Equals(object? obj) => Equals(obj as IInput);

    public override int GetHashCode() => HashCode.Combine(Source, Position);

    public override string ToString() => $"Line {Line}, Column {Column}";
}
