namespace Refinery.Contracts.Curation;

/// <summary>Command: every part of a dataset version is written; write its manifest, datasheet and statistics.</summary>
public sealed record FinishDatasetVersion
{
    public required Guid JobId { get; init; }
}
