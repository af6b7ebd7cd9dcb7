namespace Micrograd.Expressions.Syntax;

/// <summary>
/// Values for a formula's parameters, by name or by position: the one place that binds them and words the
/// errors (kind <see cref="FormulaErrorKind.Name"/> for a missing or unknown name, <see cref="FormulaErrorKind.Arity"/>
/// for a wrong count), used by evaluation, reverse mode and the derivative check alike.
/// </summary>
internal static class Arguments
{
    /// <summary>The values in parameter order.</summary>
    /// <exception cref="FormulaException">A value is missing, or a name is not a parameter.</exception>
    public static double[] Bind(IReadOnlyList<string> parameters, IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        // as many names as parameters, compared as written, and every parameter among them: no name is unknown
        // (the usual call, answered without listing the names)
        var ordinal = values is Dictionary<string, double> d && (d.Comparer == EqualityComparer<string>.Default || d.Comparer == StringComparer.Ordinal);
        if (ordinal && values.Count == parameters.Count && Gather(parameters, values) is { } gathered)
        {
            return gathered;
        }

        var unknown = values.Keys.Where(k => !parameters.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new FormulaException(FormulaErrorKind.Name,
                $"unknown parameter {string.Join(", ", unknown.Select(u => $"`{u}`"))}; the parameters are {Describe(parameters)}{Spelling.DidYouMean(unknown[0], parameters)}");
        }

        return Gather(parameters, values) ?? throw new FormulaException(FormulaErrorKind.Name,
            $"no value for parameter `{parameters.First(p => !values.ContainsKey(p))}`; the parameters are {Describe(parameters)}");
    }

    // the values in parameter order, or null when one is missing
    private static double[]? Gather(IReadOnlyList<string> parameters, IReadOnlyDictionary<string, double> values)
    {
        var args = new double[parameters.Count];
        for (var i = 0; i < args.Length; i++)
        {
            if (!values.TryGetValue(parameters[i], out args[i]))
            {
                return null;
            }
        }

        return args;
    }

    /// <summary>Checks that <paramref name="count"/> values were given by position.</summary>
    public static void CheckCount(IReadOnlyList<string> parameters, int count)
    {
        if (count != parameters.Count)
        {
            throw new FormulaException(FormulaErrorKind.Arity,
                $"the formula takes {parameters.Count} value(s) ({Describe(parameters)}) but was given {count}");
        }
    }

    /// <summary>The position of parameter <paramref name="name"/>.</summary>
    public static int IndexOf(IReadOnlyList<string> parameters, string name)
    {
        for (var i = 0; i < parameters.Count; i++)
        {
            if (parameters[i] == name)
            {
                return i;
            }
        }

        throw new FormulaException(FormulaErrorKind.Name, $"`{name}` is not a parameter; the parameters are {Describe(parameters)}{Spelling.DidYouMean(name, parameters)}");
    }

    private static string Describe(IReadOnlyList<string> names) => names.Count == 0 ? "none" : string.Join(", ", names);
}
