namespace Refinery.Contracts.Curation;

/// <summary>Command: apply a dataset version's recipe to one corpus shard and write its part. Any Curation process
/// can take any part.</summary>
public sealed record CurateDatasetPart
{
    public required Guid JobId { get; init; }
    public required int Part { get; init; }
}
