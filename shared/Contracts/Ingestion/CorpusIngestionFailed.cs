namespace Refinery.Contracts.Ingestion;

/// <summary>Event: a corpus could not be ingested at all (not one bad record: that is quarantined).</summary>
public sealed record CorpusIngestionFailed
{
    public required Guid CorpusId { get; init; }
    public required string Name { get; init; }
    public required string Reason { get; init; }
    /// <summary>The step that failed for good: "request" (the command itself), or the run's step ("read sources").
    /// Empty from a publisher older than the field, whose only failure was the run's.</summary>
    public string Step { get; init; } = "";
    /// <summary>The ingestion run (of this corpus) the event belongs to: a newer run has a higher number, so a reader
    /// can tell a late event of an earlier run from the current one. 0 from a publisher older than the field.</summary>
    public int Generation { get; init; }
}
