namespace Refinery.Contracts.Dedup;

/// <summary>Command: find the exact and near-duplicate clusters of a corpus. Near duplicates come from the MinHash
/// bands of its signal shards (<c>signals/{corpus}/{shard:D5}.{SignalsConfig}.parquet</c>) at one of RPv2's
/// thresholds (0.7, 0.8, 0.9, 1.0); exact duplicates from a key of each document's RPv2-normalised text, within the
/// corpus and against the persistent index of every corpus deduplicated before (keep-first across corpora).</summary>
public sealed record DeduplicateCorpus
{
    /// <summary>The corpus name (its id is derived from it, as everywhere).</summary>
    public required string Corpus { get; init; }
    public required double Threshold { get; init; }
    /// <summary>The signals configuration whose shards hold the bands; "rpv2" unless the signals service was renamed.</summary>
    public string SignalsConfig { get; init; } = "rpv2";
    /// <summary>Exact duplicates within the corpus: "set" (hash sets partitioned by key prefix), "bloom" (a Bloom
    /// filter per partition sized by <see cref="FalsePositiveRate"/>) or "none". Unless "none", the corpus is also
    /// checked against, and added to, the index of earlier corpora.</summary>
    public ExactMode Exact { get; init; } = ExactMode.Set;
    /// <summary>What exact duplicates share: "normalized" (the RPv2-normalised text), "raw" (the text byte for byte) or
    /// "url" (a document without a URL is never an exact duplicate). Each kind has its own index of earlier corpora.</summary>
    public ExactKeyKind ExactKey { get; init; } = ExactKeyKind.Normalized;
    /// <summary>The Bloom filters' false-positive rate in "bloom" mode.</summary>
    public double FalsePositiveRate { get; init; } = 0.001;
    /// <summary>Which member of a cluster is kept: "first" (in shard order), "longest", or "max:SIGNAL" / "min:SIGNAL"
    /// for a document-level signal of the signal shards.</summary>
    public KeepPolicy Keep { get; init; } = KeepPolicy.First;
    /// <summary>Link an LSH candidate pair only when the true Jaccard similarity of the two documents' shingle sets
    /// reaches the threshold, so chains of weak candidates cannot build one giant false cluster.</summary>
    public bool Verify { get; init; }
}
