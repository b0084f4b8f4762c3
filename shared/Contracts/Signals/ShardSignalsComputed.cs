namespace Refinery.Contracts.Signals;

/// <summary>Event: the quality signals of one document shard are in the object store.</summary>
public sealed record ShardSignalsComputed
{
    public required Guid CorpusId { get; init; }
    /// <summary>The corpus name (<see cref="CorpusId"/> is derived from it), so no reader parses it out of a key.
    /// Empty from a publisher older than the field.</summary>
    public string Corpus { get; init; } = "";
    public required int Shard { get; init; }
    /// <summary>The configuration tag the output is named by, e.g. "rpv2-r1" (see the signal shard key).</summary>
    public required string Config { get; init; }
    public required ObjectRef Signals { get; init; }
    public required int DocumentCount { get; init; }
    /// <summary>Resource name → version used (e.g. "stopwords-json" → "1.2.0"), recorded for lineage.</summary>
    public required IReadOnlyDictionary<string, string> Resources { get; init; }
}
