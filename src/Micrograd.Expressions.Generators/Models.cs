using System.Collections;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Micrograd.Expressions.Generators;

/// <summary>An array compared by its items, so that the pipeline's steps cache (an ImmutableArray compares by reference).</summary>
internal readonly struct EquatableArray<T>(ImmutableArray<T> items) : IEquatable<EquatableArray<T>>, IEnumerable<T>
    where T : IEquatable<T>
{
    private readonly ImmutableArray<T> items = items;

    public ImmutableArray<T> Items => items.IsDefault ? [] : items;

    public int Count => Items.Length;

    public T this[int index] => Items[index];

    public bool Equals(EquatableArray<T> other) => Items.SequenceEqual(other.Items);

    public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);

    public override int GetHashCode() => Items.Aggregate(17, (h, item) => unchecked((h * 31) + item.GetHashCode()));

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)Items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A place in a source file, kept as values (a <see cref="Location"/> holds its syntax tree).</summary>
internal sealed record Place(string Path, TextSpan Span, LinePositionSpan Lines)
{
    public Location ToLocation() => Location.Create(Path, Span, Lines);

    public static Place Of(Location location) =>
        new(location.SourceTree?.FilePath ?? "", location.SourceSpan, location.GetLineSpan().Span);
}

/// <summary>Where a problem is reported: the method's name, the attribute's argument, or a character of the formula.</summary>
internal enum Anchor
{
    Name,
    Attribute,
    Formula,
}

/// <summary>
/// A diagnostic, placed by anchor rather than by position (<paramref name="Offset"/> is the character of the formula
/// for <see cref="Anchor.Formula"/>), so that a method's generated output does not change when only its place in
/// the file does: an edit above it leaves it cached, and <see cref="Places"/> locates the diagnostic when reported.
/// </summary>
internal sealed record Problem(string Id, Anchor Anchor, int Offset, EquatableArray<string> Arguments);

/// <summary>The places of a method's diagnostics in the current build.</summary>
internal sealed record Places(Place Name, Place Attribute, Literal? Literal)
{
    public Location Locate(Problem problem, string? formula)
    {
        var place = problem.Anchor switch
        {
            Anchor.Name => Name,
            Anchor.Formula when Literal is not null && formula is not null => LiteralPositions.At(Literal, formula, problem.Offset) ?? Attribute,
            _ => Attribute,
        };
        return place.ToLocation();
    }
}

/// <summary>A method as read and the places of its parts: the pipeline generates from the first, and reports with the second.</summary>
internal sealed record Located(Method Method, Places Places);

/// <summary>One containing type of the method, outermost first: its keyword (<c>class</c>, <c>record struct</c>...) and name with type parameters.</summary>
internal sealed record Container(string Keyword, string Name);

/// <summary>One parameter of the method: its name as written in C# and its kind (<c>double</c>, <c>float</c>, <c>span</c>).</summary>
internal sealed record Parameter(string Name, string Kind);

/// <summary>The formula's string literal: where it starts and its source text, to place errors inside it.</summary>
internal sealed record Literal(string Path, int Start, LinePosition StartLine, string Text);

/// <summary>
/// Everything the generator reads from one <c>[Formula]</c> method, as values: the pipeline compares it to the
/// previous build's, so that a method whose attribute and signature did not change is not generated again.
/// <paramref name="TextName"/> names the constant of the formula's text (<c>F_Text</c>; an overload's names its parameters too).
/// </summary>
internal sealed record Method(
    string HintName,
    string? Namespace,
    EquatableArray<Container> Containers,
    string Modifiers,
    string Accessibility,
    string ReturnType,
    string Name,
    EquatableArray<Parameter> Parameters,
    string? Formula,
    string? Derivative,
    bool Gradient,
    EquatableArray<Problem> Problems,
    string TextName);

/// <summary>What the generator makes of one method: the source (null when the method has errors) and the diagnostics.</summary>
internal sealed record Generated(string HintName, string? Formula, string? Source, EquatableArray<Problem> Problems);
