namespace Refinery.Contracts.Dedup;

/// <summary>Command: compute the normalised-text keys (and lengths) of one document shard of a dedup job, the exact
/// half of its input. Any Dedup process can take any shard.</summary>
public sealed record HashDedupShard
{
    public required Guid JobId { get; init; }
    /// <summary>The shard's position in the job's shard list.</summary>
    public required int Shard { get; init; }
}
