using Refinery.Contracts.Dedup;

namespace Refinery.Text.Dedup;

/// <summary>The one rule of which member a duplicate cluster keeps, shared by `refinery dedup` and the Dedup service:
/// among the members that no earlier corpus had and no Bloom filter saw before, the first in document order, or the
/// best by text length or by a document signal's value. Ties go to the first; a missing value (NaN) ranks below every
/// value. Which member is best is the request's <see cref="KeepPolicy"/>, read from its text at the edge.</summary>
public sealed record KeepRule(KeepPolicy Policy)
{
    public static readonly KeepRule First = new(KeepPolicy.First);

    public bool ReadsLengths => Policy.Kind == KeepKind.Longest;

    public bool ReadsSignal => Policy.BySignal;

    public override string ToString() => Policy.ToString();

    /// <summary>The kept member of every cluster of two or more, by the cluster's root in <paramref name="components"/>.</summary>
    /// <param name="excluded">Members that may not be kept: copies of an earlier corpus, or of a document a Bloom filter saw.</param>
    /// <param name="lengths">Each document's text length, for <see cref="KeepKind.Longest"/>.</param>
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
    private bool Better(int a, int b, IReadOnlyList<int>? lengths, IReadOnlyList<double>? values) => Policy.Kind switch
    {
        KeepKind.Longest => lengths![a] > lengths[b],
        KeepKind.Max => !double.IsNaN(values![a]) && (double.IsNaN(values[b]) || values[a] > values[b]),
        KeepKind.Min => !double.IsNaN(values![a]) && (double.IsNaN(values[b]) || values[a] < values[b]),
        _ => false,
    };
}
