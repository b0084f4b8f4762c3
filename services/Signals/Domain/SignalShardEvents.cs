using System.Text.Json;
using Refinery.Contracts;
using Refinery.Contracts.Signals;

namespace Refinery.Signals.Domain;

/// <summary>The event a signal shard row announces; the same for the first run and every rerun.</summary>
public static class SignalShardEvents
{
    public static ShardSignalsComputed ToEvent(this SignalShard row, string bucket) => new()
    {
        CorpusId = row.CorpusId,
        Corpus = row.Corpus,
        Shard = row.Shard,
        Config = row.Config,
        Signals = new ObjectRef { Bucket = bucket, Key = row.Key, Sha256 = row.Sha256, Length = row.Length },
        DocumentCount = row.Documents,
        Resources = JsonSerializer.Deserialize<Dictionary<string, string>>(row.ResourcesJson) ?? [],
    };
}
