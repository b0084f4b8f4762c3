namespace Refinery.Contracts.Ingestion;

/// <summary>Event: every source of a corpus has been read; read = accepted + rejected.</summary>
public sealed record CorpusIngested
{
    public required Guid CorpusId { get; init; }
    public required string Name { get; init; }
    public required int ShardCount { get; init; }
    public required long Read { get; init; }
    public required long Accepted { get; init; }
    public required long Rejected { get; init; }
    public required IReadOnlyDictionary<string, long> RejectedByReason { get; init; }
    public required IReadOnlyDictionary<string, long> Languages { get; init; }
    public required long InvalidUtf8Replaced { get; init; }
    /// <summary>The ingestion run (of this corpus) the event belongs to: a newer run has a higher number, so a reader
    /// can tell a late event of an earlier run from the current one. 0 from a publisher older than the field.</summary>
    public int Generation { get; init; }
}
