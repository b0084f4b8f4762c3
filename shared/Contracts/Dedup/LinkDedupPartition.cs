namespace Refinery.Contracts.Dedup;

/// <summary>Command: link the LSH buckets of one key partition of a dedup job, over every signal shard of the job.
/// Any Dedup process can take any partition.</summary>
public sealed record LinkDedupPartition
{
    public required Guid JobId { get; init; }
    public required int Partition { get; init; }
}
