namespace Refinery.Contracts.Curation;

/// <summary>Command: every part of a ranking round is collected; merge them into the round's thresholds and go on
/// with the next round, or with the parts.</summary>
public sealed record FinishDatasetRanking
{
    public required Guid JobId { get; init; }
    public required int Round { get; init; }
    /// <summary>The request that sent this step, carried on so the version's last event names it.</summary>
    public Guid? RequestId { get; init; }
}
