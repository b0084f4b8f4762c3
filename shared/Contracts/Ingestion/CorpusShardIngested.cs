namespace Refinery.Contracts.Ingestion;

/// <summary>Event: one shard of documents is in the object store.</summary>
public sealed record CorpusShardIngested
{
    public required Guid CorpusId { get; init; }
    /// <summary>The corpus name (<see cref="CorpusId"/> is derived from it), so no reader parses it out of a key.
    /// Empty from a publisher older than the field.</summary>
    public string Corpus { get; init; } = "";
    public required int Shard { get; init; }
    public required ObjectRef Documents { get; init; }
    public required int DocumentCount { get; init; }
    /// <summary>The ingestion run (of this corpus) the event belongs to: a newer run has a higher number, so a reader
    /// can tell a late event of an earlier run from the current one. 0 from a publisher older than the field.</summary>
    public int Generation { get; init; }
}
