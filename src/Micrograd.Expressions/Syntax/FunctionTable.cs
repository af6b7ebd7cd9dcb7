using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Micrograd.Expressions.Syntax;

/// <summary>
/// The names a formula may call: the built-in rows (<see cref="Function.All"/>) and a host's, in the order added.
/// Immutable; adding costs a logarithm of the table's size, not a copy. <see cref="FormulaContext"/> is this table
/// with limits and the ways to define functions.
/// </summary>
internal sealed class FunctionTable
{
    // the built-in rows are looked up in the function table (the parser's hot path); the host's rows in an
    // immutable dictionary, so that each addition costs a logarithm of the table's size, not a copy of it
    private readonly ImmutableDictionary<string, Function> added;
    private readonly ImmutableList<Function> order;

    private FunctionTable(ImmutableList<Function> order, ImmutableDictionary<string, Function> added)
    {
        this.order = order;
        this.added = added;
    }

    /// <summary>The built-in functions and constants alone.</summary>
    public static FunctionTable BuiltIn { get; } = new([.. Function.All], ImmutableDictionary<string, Function>.Empty.WithComparers(StringComparer.Ordinal));

    /// <summary>Every row: the built-in rows first, then the host's in the order added.</summary>
    public IReadOnlyList<Function> Functions => order;

    /// <summary>How many rows the host added.</summary>
    public int AddedCount => added.Count;

    /// <summary>Looks a function or constant up by name (the alias <c>ln</c> included).</summary>
    public bool TryLookup(string name, [NotNullWhen(true)] out Function? function) =>
        Function.TryLookup(name, out function) || added.TryGetValue(name, out function);

    /// <summary>The table with one more row.</summary>
    public FunctionTable Add(Function row) => new(order.Add(row), added.Add(row.Name, row));

    /// <summary>The names of the functions (not constants) for a message: the first 60, then how many more.</summary>
    public string FunctionNames()
    {
        var names = order.Where(f => !f.IsConstant).Select(f => f.Name).ToList();
        return names.Count <= 60 ? string.Join(", ", names) : $"{string.Join(", ", names.Take(60))} and {names.Count - 60} more";
    }
}
