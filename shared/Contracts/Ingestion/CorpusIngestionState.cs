using System.Text.Json.Serialization;
using Refinery.Contracts.Options;

namespace Refinery.Contracts.Ingestion;

/// <summary>Where a corpus's ingestion run stands (<see cref="CorpusIngestionState.Stage"/>): "ingesting", "ingested"
/// (the shards listed under the corpus are all of it) or "failed".</summary>
[JsonConverter(typeof(OptionValueJsonConverter))]
public enum CorpusIngestionStage { Ingesting, Ingested, Failed }

/// <summary>The ingestion service's word, in the store (<see cref="IngestionKeys.State"/>),
/// on whether those shards are the whole corpus. Written as ingesting before a run writes its first shard, then as
/// ingested once the run recorded its result, or failed; so a reader that lists the shards knows whether more are
/// coming: a dedup or a dataset version cut from a corpus half ingested would silently miss the rest.</summary>
public sealed record CorpusIngestionState
{
    public required Guid CorpusId { get; init; }
    public required string Corpus { get; init; }
    /// <summary>The run that wrote it (a corpus submitted again is a new generation).</summary>
    public required int Generation { get; init; }
    public required CorpusIngestionStage Stage { get; init; }
    /// <summary>How many shards the run wrote, once ingested.</summary>
    public int ShardCount { get; init; }
    /// <summary>Why the run failed, when it did.</summary>
    public string? Error { get; init; }
}
