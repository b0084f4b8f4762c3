namespace Refinery.Contracts.Ingestion;

/// <summary>Event: a corpus could not be ingested at all (not one bad record: that is quarantined).</summary>
public sealed record CorpusIngestionFailed
{
    public required Guid CorpusId { get; init; }
    public required string Name { get; init; }
    public required string Reason { get; init; }
}
