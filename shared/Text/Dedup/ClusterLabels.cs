namespace Refinery.Text.Dedup;

/// <summary>One document of a corpus's clusters output: its cluster (RPv2's cluster id, the smallest id_int of its
/// members), whether it is an exact copy, whether it is the member its cluster keeps, and the document of an earlier
/// corpus that had its text.</summary>
public readonly record struct ClusterLabel(int Document, ulong ClusterId, bool Exact, bool Keep, ulong? EarlierIdInt);

/// <summary>The figures of a corpus's clusters output.</summary>
/// <param name="Clusters">Clusters of two or more documents.</param>
/// <param name="Clustered">Documents in the output (<see cref="ClusterLabels.IsReported"/>).</param>
/// <param name="Removed">Documents in the output that are not kept.</param>
/// <param name="ExactDuplicates">Documents whose text (by the exact key) a document before them in this corpus had,
/// or that a Bloom filter saw before: the first occurrence of a text is not one.</param>
/// <param name="EarlierCorpusDuplicates">Documents whose text a corpus deduplicated before had.</param>
public sealed record ClusterCounts(long Clusters, long Clustered, long Removed, long ExactDuplicates, long EarlierCorpusDuplicates);

/// <summary>The one rule by which a corpus's linked documents become its clusters output, for the Dedup service's
/// merger and the offline <c>refinery dedup</c> alike, so both report the same rows and the same figures for the same
/// documents: which documents are reported, which member each cluster keeps, which are exact copies.</summary>
public static class ClusterLabels
{
    /// <summary>A document is reported when it is in a cluster of two or more, is a copy a Bloom filter saw before, or
    /// an earlier corpus had its text.</summary>
    public static bool IsReported(UnionFind components, int document, bool[] copies, ulong?[] earlier) =>
        components.SizeOf(document) > 1 || copies[document] || earlier[document] is not null;

    /// <param name="components">The documents linked into clusters (near duplicates, and exact copies in set mode).</param>
    /// <param name="keyOf">Each document's exact key (<see cref="ExactKeys.None"/> for one that has none); null when
    /// exact duplicates are not looked for, so no document is an exact copy by its text.</param>
    /// <param name="copies">Documents a Bloom filter saw before.</param>
    /// <param name="earlier">For each document, the id_int of an earlier corpus's document with its text, or null.</param>
    /// <param name="chosen">The member each cluster keeps, by root (<see cref="KeepRule.Choose"/>).</param>
    public static (List<ClusterLabel> Labels, ClusterCounts Counts) Of(UnionFind components, Func<int, UInt128>? keyOf,
        bool[] copies, ulong?[] earlier, IReadOnlyDictionary<int, int> chosen)
    {
        var n = components.Count;
        var sameText = new Dictionary<(int Root, UInt128 Key), int>();
        if (keyOf is not null)
            for (var i = 0; i < n; i++)
            {
                if (!IsReported(components, i, copies, earlier) || keyOf(i) == ExactKeys.None) continue;
                var group = (components.Find(i), keyOf(i));
                sameText[group] = sameText.GetValueOrDefault(group) + 1;
            }

        var labels = new List<ClusterLabel>();
        var roots = new HashSet<int>();
        var seen = keyOf is null ? null : new HashSet<UInt128>();
        long removed = 0, exactDuplicates = 0, fromEarlier = 0;
        for (var i = 0; i < n; i++)
        {
            // Every document's key is seen in order, reported or not, so "a document before it had its text" holds
            // across the whole corpus.
            var key = keyOf?.Invoke(i) ?? ExactKeys.None;
            var repeated = key != ExactKeys.None && !seen!.Add(key);
            if (!IsReported(components, i, copies, earlier)) continue;
            var root = components.Find(i);
            if (components.SizeOf(i) > 1) roots.Add(root);
            var keep = chosen.TryGetValue(root, out var kept) && kept == i;
            var exact = copies[i] || earlier[i] is not null || (key != ExactKeys.None && sameText[(root, key)] > 1);
            if (!keep) removed++;
            if (copies[i] || repeated) exactDuplicates++;
            if (earlier[i] is not null) fromEarlier++;
            labels.Add(new ClusterLabel(i, components.MinKeyOf(i), exact, keep, earlier[i]));
        }
        return (labels, new ClusterCounts(roots.Count, labels.Count, removed, exactDuplicates, fromEarlier));
    }
}
