namespace Refinery.Contracts.Curation;

/// <summary>Command: collect, from one part of a dataset version, the values a round of quantile conditions ranks
/// (<c>top 30% by S</c>): the signal of every document that reaches the round's rule. Any Curation process can take
/// any part; rounds run in the order of their rules, since a later rule ranks only what earlier rules kept.</summary>
public sealed record RankDatasetPart
{
    public required Guid JobId { get; init; }
    public required int Round { get; init; }
    public required int Part { get; init; }
    /// <summary>The request that sent this step, carried on so the version's last event names it.</summary>
    public Guid? RequestId { get; init; }
}
