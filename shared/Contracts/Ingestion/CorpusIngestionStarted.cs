namespace Refinery.Contracts.Ingestion;

/// <summary>Event: the ingestion service has taken a corpus and is reading its sources.</summary>
public sealed record CorpusIngestionStarted
{
    public required Guid CorpusId { get; init; }
    public required string Name { get; init; }
    public required int SourceCount { get; init; }
}
