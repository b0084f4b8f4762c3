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
}
