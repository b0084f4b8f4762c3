using Refinery.Contracts.Ingestion;

namespace Refinery.Contracts.Signals;

/// <summary>Object keys of the signals service's area (DESIGN §6), defined once for the producer and every reader:
/// signal shards and the documents they quarantined. Deterministic in corpus, shard and configuration.</summary>
public static class SignalsKeys
{
    public static string Prefix(string corpus) => $"signals/{corpus}/";

    /// <summary>What every signal shard of <paramref name="config"/> ends with.</summary>
    public static string Suffix(string config) => $".{config}.parquet";

    /// <summary>A signal shard: <c>signals/{corpus}/{shard:D5}.{config}.parquet</c>.</summary>
    public static string Signals(string corpus, int shard, string config) => $"signals/{corpus}/{shard:D5}{Suffix(config)}";

    /// <summary>Ingestion's source names never contain '/', so this folder cannot collide with its quarantine files.</summary>
    public static string Quarantine(string corpus, int shard, string config) =>
        $"{IngestionKeys.QuarantinePrefix(corpus)}signals/{shard:D5}.{config}.jsonl";
}
