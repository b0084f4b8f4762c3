namespace Refinery.Contracts.Ingestion;

/// <summary>Event: the ingestion service has taken a corpus and is reading its sources.</summary>
public sealed record CorpusIngestionStarted
{
    public required Guid CorpusId { get; init; }
    public required string Name { get; init; }
    public required int SourceCount { get; init; }
    /// <summary>The ingestion run (of this corpus) the event belongs to: a newer run has a higher number, so a reader
    /// can tell a late event of an earlier run from the current one. 0 from a publisher older than the field.</summary>
    public int Generation { get; init; }
}
