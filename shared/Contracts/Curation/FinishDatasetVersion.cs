namespace Refinery.Contracts.Curation;

/// <summary>Command: every part of a dataset version is written; write its manifest, datasheet and statistics.</summary>
public sealed record FinishDatasetVersion
{
    public required Guid JobId { get; init; }
    /// <summary>The request that sent this step, carried on so the version's last event names it.</summary>
    public Guid? RequestId { get; init; }
}
