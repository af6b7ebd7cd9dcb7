namespace Micrograd.Expressions;

/// <summary>
/// "Did you mean": the known names nearest to a misspelt one, by edit distance (insertions, deletions,
/// substitutions and swaps of two neighbours each count one; case is ignored), so <c>sni</c> suggests <c>sin</c>.
/// </summary>
public static class Spelling
{
    /// <summary>The candidates nearest to <paramref name="name"/> (all at the smallest distance, at most three, in ordinal order); none when nothing is close.</summary>
    /// <param name="name">The unknown name.</param>
    /// <param name="candidates">The known names.</param>
    /// <returns>The suggestions: within one edit of a name of up to four characters, two up to eight, three beyond.</returns>
    public static IReadOnlyList<string> Nearest(string name, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(candidates);
        var allowed = name.Length <= 4 ? 1 : name.Length <= 8 ? 2 : 3;
        var near = candidates.Distinct(StringComparer.Ordinal).Where(c => c != name)
            .Select(c => (Name: c, Distance: Distance(name, c, allowed)))
            .Where(c => c.Distance <= allowed)
            .ToList();
        var best = near.Count == 0 ? 0 : near.Min(c => c.Distance);
        return [.. near.Where(c => c.Distance == best).Select(c => c.Name).Order(StringComparer.Ordinal).Take(3)];
    }

    /// <summary>A sentence ending a message: <c>; did you mean `sin`?</c>, or empty when nothing is close.</summary>
    /// <param name="name">The unknown name.</param>
    /// <param name="candidates">The known names.</param>
    /// <returns>The clause, starting with "; ", or an empty string.</returns>
    public static string DidYouMean(string name, IEnumerable<string> candidates)
    {
        var nearest = Nearest(name, candidates);
        return nearest.Count == 0 ? "" : $"; did you mean {string.Join(" or ", nearest.Select(n => $"`{n}`"))}?";
    }

    // optimal string alignment distance, ignoring case; more than `limit` is reported as limit + 1
    private static int Distance(string a, string b, int limit)
    {
        if (Math.Abs(a.Length - b.Length) > limit || a.Length > 256 || b.Length > 256)
        {
            return limit + 1;
        }

        var rows = new int[3][];
        for (var k = 0; k < 3; k++)
        {
            rows[k] = new int[b.Length + 1];
        }

        for (var j = 0; j <= b.Length; j++)
        {
            rows[1][j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            var (before, previous, current) = (rows[(i + 2) % 3], rows[i % 3], rows[(i + 1) % 3]);
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 2]) && char.ToLowerInvariant(a[i - 2]) == char.ToLowerInvariant(b[j - 1]))
                {
                    current[j] = Math.Min(current[j], before[j - 2] + 1);
                }
            }
        }

        return Math.Min(rows[(a.Length + 1) % 3][b.Length], limit + 1);
    }
}
