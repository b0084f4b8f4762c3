namespace Refinery.Text.Dedup;

/// <summary>Turns shared LSH buckets into clusters. Without verification every member of a bucket is linked to its
/// first member, which gives the connected components of RPv2's edges (every member to the bucket's smallest id_int).
/// With verification a member is linked to an earlier member of the bucket only when their true Jaccard similarity
/// reaches the threshold, so chains of weak candidate links cannot build one giant false cluster.</summary>
public static class LshClustering
{
    /// <summary>At most this many earlier members of one bucket are compared with a new member when verifying.</summary>
    public const int MaxComparisonsPerMember = 64;

    public static void Link(LshIndex index, UnionFind components)
    {
        foreach (var bucket in index.SharedBuckets())
            for (var i = 1; i < bucket.Count; i++) components.Union(bucket[0], bucket[i]);
    }

    /// <summary>Verified linking; <paramref name="similarity"/> gives the true Jaccard of two documents. Returns the
    /// number of candidate pairs compared.</summary>
    public static long LinkVerified(LshIndex index, UnionFind components, Func<int, int, double> similarity, double threshold)
    {
        long compared = 0;
        foreach (var bucket in index.SharedBuckets())
        {
            for (var i = 1; i < bucket.Count; i++)
            {
                var tried = 0;
                for (var j = i - 1; j >= 0 && tried < MaxComparisonsPerMember; j--)
                {
                    if (components.Connected(bucket[i], bucket[j])) continue;
                    tried++;
                    compared++;
                    if (similarity(bucket[i], bucket[j]) >= threshold) components.Union(bucket[i], bucket[j]);
                }
            }
        }
        return compared;
    }
}
