namespace Refinery.Contracts.Dedup;

/// <summary>Event: a step of a corpus's deduplication failed for good (the request, a shard's hashing, a partition's
/// linking or the finish), with the reason. The same request again retries what is missing.</summary>
public sealed record CorpusDeduplicationFailed
{
    public required Guid CorpusId { get; init; }
    public required string Corpus { get; init; }
    /// <summary>The configuration tag of the output that will not come (as <see cref="CorpusDeduplicated.Config"/>).</summary>
    public required string Config { get; init; }
    /// <summary>"request", "hash shard 2", "link partition 1" or "finish".</summary>
    public required string Step { get; init; }
    public required string Reason { get; init; }
}
