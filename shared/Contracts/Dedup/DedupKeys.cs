using System.Globalization;

namespace Refinery.Contracts.Dedup;

/// <summary>Object keys of the dedup service's area (DESIGN §6), defined once for the producer and every reader. A
/// job's outputs are deterministic in corpus, configuration and shard or partition; index versions are not (two
/// writers racing for one version must not overwrite each other's object before the compare-and-swap decides).</summary>
public static class DedupKeys
{
    /// <summary>Everything the dedup service writes.</summary>
    public const string AllPrefix = "dedup/";

    /// <summary>The cross-corpus exact index, every kind and partition.</summary>
    public const string IndexPrefix = "dedup/index/";

    /// <summary>The clusters of a corpus at a configuration tag (<see cref="DedupOutputs.Config(DeduplicateCorpus)"/>).</summary>
    public static string Clusters(string corpus, string config) => $"dedup/{corpus}/{config}/{ClustersFile}";

    /// <summary>A partition's result, named by its content too: two processes racing for a partition may find different
    /// earlier copies (the index moved between them), and the loser must not overwrite the object the winner recorded.</summary>
    public static string Edges(string corpus, string config, int partition, string sha256) =>
        $"dedup/{corpus}/{config}/edges/{partition:D5}.{sha256[..16]}.bin";

    public static string TextKeys(string corpus, string config, int shard) => $"dedup/{corpus}/{config}/keys/{shard:D5}.bin";

    public static string Shingles(string corpus, string config, int shard) => $"dedup/{corpus}/{config}/shingles/{shard:D5}.bin";

    /// <summary>One version of a partition of the cross-corpus exact index (of one key kind).</summary>
    public static string IndexPartition(string kind, int partition, long version) =>
        $"{IndexPrefix}{kind}/{partition:x2}/{version:D10}-{Guid.NewGuid():N}.bin";

    /// <summary>The index partition and version of a key <see cref="IndexPartition"/> wrote, or null for a key of another shape.</summary>
    public static DedupIndexObject? IndexObjectOf(string key)
    {
        if (!key.StartsWith(IndexPrefix, StringComparison.Ordinal)) return null;
        if (key[IndexPrefix.Length..].Split('/') is not [var kind, var partition, var file]) return null;
        if (partition.Length != 2 || !int.TryParse(partition, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var p)) return null;
        // {version:D10}-{guid:N}.bin
        if (file.Length != 10 + 1 + 32 + 4 || file[10] != '-' || !file.EndsWith(".bin", StringComparison.Ordinal)) return null;
        if (!long.TryParse(file.AsSpan(0, 10), NumberStyles.None, CultureInfo.InvariantCulture, out var version)) return null;
        if (!Guid.TryParseExact(file.AsSpan(11, 32), "N", out _)) return null;
        return new DedupIndexObject(kind, p, version);
    }

    /// <summary>The corpus and configuration of a job's file (<see cref="Clusters"/>, <see cref="Edges"/>,
    /// <see cref="TextKeys"/>, <see cref="Shingles"/>), or null for a key of another shape (index objects included).</summary>
    public static DedupJobFile? JobFileOf(string key)
    {
        if (!key.StartsWith(AllPrefix, StringComparison.Ordinal) || IndexObjectOf(key) is not null) return null;
        var parts = key[AllPrefix.Length..].Split('/');
        var known = parts switch
        {
            [_, _, ClustersFile] => true,
            [_, _, "edges" or "keys" or "shingles", var file] => file.EndsWith(".bin", StringComparison.Ordinal),
            _ => false,
        };
        return known ? new DedupJobFile(parts[0], parts[1]) : null;
    }

    private const string ClustersFile = "clusters.parquet";
}

/// <summary>An exact-index object's place: key kind, partition and version number.</summary>
public sealed record DedupIndexObject(string Kind, int Partition, long Version);

/// <summary>Whose job a dedup file belongs to: the corpus and the configuration tag.</summary>
public sealed record DedupJobFile(string Corpus, string Config);
