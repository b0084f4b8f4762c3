namespace Refinery.Contracts.Dedup;

/// <summary>Event: the duplicate clusters of a corpus are in the object store
/// (<c>dedup/{corpus}/{config}/clusters.parquet</c>: id, id_int, cluster_id, kind, keep, earlier_id_int).</summary>
public sealed record CorpusDeduplicated
{
    public required Guid CorpusId { get; init; }
    /// <summary>The corpus name (<see cref="CorpusId"/> is derived from it), so no reader parses it out of a key.
    /// Empty from a publisher older than the field.</summary>
    public string Corpus { get; init; } = "";
    /// <summary>The configuration tag the output is named by, e.g. "rpv2-0.8".</summary>
    public required string Config { get; init; }
    public required double Threshold { get; init; }
    public required ObjectRef Clusters { get; init; }
    public required long Documents { get; init; }
    public required long ClusteredDocuments { get; init; }
    public required long ClusterCount { get; init; }
    /// <summary>Documents a consumer that keeps one per cluster drops.</summary>
    public required long Removed { get; init; }
    /// <summary>Documents whose normalised text an earlier document of the corpus had (kind "exact").</summary>
    public long ExactDuplicates { get; init; }
    /// <summary>Documents whose normalised text a corpus deduplicated before had (their earlier_id_int is set).</summary>
    public long EarlierCorpusDuplicates { get; init; }
}
