namespace Refinery.Contracts.Dedup;

/// <summary>Command: find the near-duplicate clusters of a corpus from the MinHash bands of its signal shards
/// (<c>signals/{corpus}/{shard:D5}.{SignalsConfig}.parquet</c>), at one of RPv2's thresholds (0.7, 0.8, 0.9, 1.0).</summary>
public sealed record DeduplicateCorpus
{
    /// <summary>The corpus name (its id is derived from it, as everywhere).</summary>
    public required string Corpus { get; init; }
    public required double Threshold { get; init; }
    /// <summary>The signals configuration whose shards hold the bands; "rpv2" unless the signals service was renamed.</summary>
    public string SignalsConfig { get; init; } = "rpv2";
}
