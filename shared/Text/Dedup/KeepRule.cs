namespace Refinery.Text.Dedup;

/// <summary>Which member of a duplicate cluster is kept.</summary>
public enum KeepPolicy { First, Longest, HighestSignal, LowestSignal }

/// <summary>The one rule of which member a duplicate cluster keeps, shared by `refinery dedup` and the Dedup service:
/// among the members that no earlier corpus had and no Bloom filter saw before, the first in document order, or the
/// best by text length or by a document signal's value. Ties go to the first; a missing value (NaN) ranks below every
/// value. Written as text it is "first", "longest", "max:SIGNAL" or "min:SIGNAL".</summary>
public sealed record KeepRule(KeepPolicy Policy, string? Signal = null)
{
    public static readonly KeepRule First = new(KeepPolicy.First);

    public bool ReadsLengths => Policy == KeepPolicy.Longest;

    public bool ReadsSignal => Policy is KeepPolicy.HighestSignal or KeepPolicy.LowestSignal;

    /// <summary>The rule a text names, or null when it names none (a signal name must not be empty).</summary>
    public static KeepRule? Parse(string? text) => text switch
    {
        "first" => First,
        "longest" => new(KeepPolicy.Longest),
        ['m', 'a', 'x', ':', _, ..] => new(KeepPolicy.HighestSignal, text[4..]),
        ['m', 'i', 'n', ':', _, ..] => new(KeepPolicy.LowestSignal, text[4..]),
        _ => null,
    };

    public override string ToString() => Policy switch
    {
        KeepPolicy.Longest => "longest",
        KeepPolicy.HighestSignal => $"max:{Signal}",
        KeepPolicy.LowestSignal => $"min:{Signal}",
        _ => "first",
    };

    /// <summary>The kept member of every cluster of two or more, by the cluster's root in <paramref name="components"/>.</summary>
    /// <param name="excluded">Members that may not be kept: copies of an earlier corpus, or of a document a Bloom filter saw.</param>
    /// <param name="lengths">Each document's text length, for <see cref="KeepPolicy.Longest"/>.</param>
    /// <param name="values">Each document's signal value (NaN when it has none), for the signal policies.</param>
    public Dictionary<int, int> Choose(UnionFind components, Func<int, bool> excluded, IReadOnlyList<int>? lengths = null,
        IReadOnlyList<double>? values = null)
    {
        if (ReadsLengths && lengths is null) throw new ArgumentNullException(nameof(lengths), "keep longest needs the texts' lengths");
        if (ReadsSignal && values is null) throw new ArgumentNullException(nameof(values), $"keep {this} needs the signal's values");
        var chosen = new Dictionary<int, int>();
        for (var i = 0; i < components.Count; i++)
        {
            if (components.SizeOf(i) == 1 || excluded(i)) continue;
            var root = components.Find(i);
            if (!chosen.TryGetValue(root, out var current) || Better(i, current, lengths, values)) chosen[root] = i;
        }
        return chosen;
    }

    /// <summary>Whether <paramref name="a"/> beats <paramref name="b"/>, the current choice (which came first).</summary>
    private bool Better(int a, int b, IReadOnlyList<int>? lengths, IReadOnlyList<double>? values) => Policy switch
    {
        KeepPolicy.Longest => lengths![a] > lengths[b],
        KeepPolicy.HighestSignal => !double.IsNaN(values![a]) && (double.IsNaN(values[b]) || values[a] > values[b]),
        KeepPolicy.LowestSignal => !double.IsNaN(values![a]) && (double.IsNaN(values[b]) || values[a] < values[b]),
        _ => false,
    };
}
