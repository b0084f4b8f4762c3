namespace Refinery.Contracts.Curation;

/// <summary>Command: apply a dataset version's recipe to one corpus shard and write its part. Any Curation process
/// can take any part.</summary>
public sealed record CurateDatasetPart
{
    public required Guid JobId { get; init; }
    public required int Part { get; init; }
    /// <summary>The request that sent this step, carried on so the version's last event names it.</summary>
    public Guid? RequestId { get; init; }
}
