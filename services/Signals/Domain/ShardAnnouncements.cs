using Refinery.Contracts.Ingestion;

namespace Refinery.Signals.Domain;

/// <summary>Checks that an announced shard is a document shard of the corpus it names, before anything is read or
/// written under that corpus's keys: a message naming one corpus and pointing into another must not mix them.</summary>
public static class ShardAnnouncements
{
    /// <summary>Null when the announcement is consistent, else why not.</summary>
    public static string? Problem(CorpusShardIngested shard)
    {
        if (CorpusNames.Problem(shard.Corpus) is { } name) return $"corpus name '{shard.Corpus}': {name}";
        if (CorpusNames.IdOf(shard.Corpus) != shard.CorpusId)
            return $"corpus id {shard.CorpusId} does not belong to the corpus '{shard.Corpus}'";
        var expected = IngestionKeys.Shard(shard.Corpus, shard.Shard);
        return shard.Documents.Key == expected ? null : $"documents key '{shard.Documents.Key}' is not {expected}, shard {shard.Shard} of '{shard.Corpus}'";
    }
}
