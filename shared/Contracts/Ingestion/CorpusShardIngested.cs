namespace Refinery.Contracts.Ingestion;

/// <summary>Event: one shard of documents is in the object store.</summary>
public sealed record CorpusShardIngested
{
    public required Guid CorpusId { get; init; }
    public required int Shard { get; init; }
    public required ObjectRef Documents { get; init; }
    public required int DocumentCount { get; init; }
}
