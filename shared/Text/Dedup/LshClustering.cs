namespace Refinery.Text.Dedup;

/// <summary>Turns LSH band records into clusters. Without verification every member of a bucket is linked to its
/// first member, which gives the connected components of RPv2's edges (every member to the bucket's smallest id_int).
/// With verification a member is linked to an earlier member of the bucket only when their true Jaccard similarity
/// reaches the threshold, so chains of weak candidate links cannot build one giant false cluster.</summary>
public static class LshClustering
{
    /// <summary>At most this many earlier members of one bucket are compared with a new member when verifying.</summary>
    public const int MaxComparisonsPerMember = 64;

    /// <summary>Sorts <paramref name="records"/> (any subset that holds whole buckets, such as one partition) and
    /// links the members of every bucket. With <paramref name="similarity"/> each link is verified against
    /// <paramref name="threshold"/>. Returns the number of candidate pairs compared.</summary>
    public static long Link(Span<BandRecord> records, UnionFind components, Func<int, int, double>? similarity = null, double threshold = 0)
    {
        records.Sort();
        long compared = 0;
        for (var start = 0; start < records.Length;)
        {
            var end = start + 1;
            while (end < records.Length && records[end].Band == records[start].Band && records[end].Key == records[start].Key) end++;
            var bucket = records[start..end];
            if (similarity is null)
            {
                for (var i = 1; i < bucket.Length; i++) components.Union(bucket[0].Document, bucket[i].Document);
            }
            else
            {
                for (var i = 1; i < bucket.Length; i++)
                {
                    var tried = 0;
                    for (var j = i - 1; j >= 0 && tried < MaxComparisonsPerMember; j--)
                    {
                        if (components.Connected(bucket[i].Document, bucket[j].Document)) continue;
                        tried++;
                        compared++;
                        if (similarity(bucket[i].Document, bucket[j].Document) >= threshold) components.Union(bucket[i].Document, bucket[j].Document);
                    }
                }
            }
            start = end;
        }
        return compared;
    }
}
