namespace Refinery.Contracts.Dedup;

/// <summary>Object keys of the dedup service's area (DESIGN §6), defined once for the producer and every reader. A
/// job's outputs are deterministic in corpus, configuration and shard or partition; index versions are not (two
/// writers racing for one version must not overwrite each other's object before the compare-and-swap decides).</summary>
public static class DedupKeys
{
    /// <summary>The clusters of a corpus at a configuration tag (<see cref="DedupOutputs.Config(DeduplicateCorpus)"/>).</summary>
    public static string Clusters(string corpus, string config) => $"dedup/{corpus}/{config}/clusters.parquet";

    /// <summary>A partition's result, named by its content too: two processes racing for a partition may find different
    /// earlier copies (the index moved between them), and the loser must not overwrite the object the winner recorded.</summary>
    public static string Edges(string corpus, string config, int partition, string sha256) =>
        $"dedup/{corpus}/{config}/edges/{partition:D5}.{sha256[..16]}.bin";

    public static string TextKeys(string corpus, string config, int shard) => $"dedup/{corpus}/{config}/keys/{shard:D5}.bin";

    public static string Shingles(string corpus, string config, int shard) => $"dedup/{corpus}/{config}/shingles/{shard:D5}.bin";

    /// <summary>One version of a partition of the cross-corpus exact index (of one key kind).</summary>
    public static string IndexPartition(string kind, int partition, long version) =>
        $"dedup/index/{kind}/{partition:x2}/{version:D10}-{Guid.NewGuid():N}.bin";
}
