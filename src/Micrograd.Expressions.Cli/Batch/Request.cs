using System.Text.Json;
using Micrograd.Expressions.Cli.Operations;

namespace Micrograd.Expressions.Cli.Batch;

/// <summary>Typed access to the fields of one request object, with request errors that name the field.</summary>
/// <param name="Root">The request object.</param>
/// <param name="Context">The functions and constants its formulas may call.</param>
internal sealed record Request(JsonElement Root, FormulaContext Context)
{
    /// <summary>The formula of field <paramref name="name"/>, read with the request's context.</summary>
    public Formula Formula(string name = "formula") => Micrograd.Expressions.Formula.Parse(String(name), Context);

    /// <summary>A string or an array of strings; empty when absent.</summary>
    public IReadOnlyList<string> Strings(string name)
    {
        if (!Root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return [value.GetString()!];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new RequestException($"field `{name}` must be an array of strings, not {Describe(value)}");
        }

        return [.. value.EnumerateArray().Select((item, i) => item.ValueKind == JsonValueKind.String
            ? item.GetString()!
            : throw new RequestException($"item {i} of field `{name}` must be a string, not {Describe(item)}"))];
    }

    /// <summary>An object of names to numbers, in order, repeated names included; empty when absent.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> Constants(string name)
    {
        if (!Root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new RequestException($"field `{name}` must be an object of names and numbers, not {Describe(value)}");
        }

        return [.. value.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, Number(name, p.Name, p.Value)))];
    }

    public string String(string name) =>
        OptionalString(name) ?? throw new RequestException($"missing field `{name}`");

    public string? OptionalString(string name) => Root.TryGetProperty(name, out var value) switch
    {
        false => null,
        true when value.ValueKind == JsonValueKind.String => value.GetString()!,
        true when value.ValueKind == JsonValueKind.Null => null,
        true => throw new RequestException($"field `{name}` must be a string, not {Describe(value)}"),
    };

    public int? OptionalInt(string name)
    {
        if (!Root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n)
            ? n
            : throw new RequestException($"field `{name}` must be an integer, not {Describe(value)}");
    }

    public double? OptionalDouble(string name)
    {
        if (!Root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return Number(name, null, value);
    }

    /// <summary>The <c>at</c> object: parameter name to number (or "NaN", "Infinity", "-Infinity", or a constant formula).</summary>
    public Dictionary<string, double> Point(string name = "at")
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        if (!Root.TryGetProperty(name, out var at) || at.ValueKind == JsonValueKind.Null)
        {
            return values;
        }

        if (at.ValueKind != JsonValueKind.Object)
        {
            throw new RequestException($"field `{name}` must be an object of parameter values, not {Describe(at)}");
        }

        foreach (var property in at.EnumerateObject())
        {
            var member = property.Name;
            values[member] = Number(name, member, property.Value);
        }

        return values;
    }

    // the field's name (name.member inside an object) is written out only for an error or a constant formula
    private static double Number(string name, string? member, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.String => value.GetString() switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            var text => Values.Of(Field(name, member), text!),
        },
        _ => throw new RequestException($"field `{Field(name, member)}` must be a number, not {Describe(value)}"),
    };

    private static string Field(string name, string? member) => member is null ? name : $"{name}.{member}";

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
