namespace Refinery.Ingestion.Domain;

/// <summary>Object keys the ingestion service owns (DESIGN §6); deterministic in corpus and position.</summary>
public static class IngestionKeys
{
    public static string RawPrefix(string corpus) => $"raw/{corpus}/";
    public static string Raw(string corpus, string name) => $"raw/{corpus}/{name}";
    public static string DocsPrefix(string corpus) => $"docs/{corpus}/";
    public static string Shard(string corpus, int shard) => $"docs/{corpus}/{shard:D5}.jsonl.zst";
    public static string Quarantine(string corpus, string source) => $"quarantine/{corpus}/{Flatten(source)}.jsonl";

    /// <summary>The source's name inside the corpus: its key without the raw prefix.</summary>
    public static string SourceName(string corpus, string key) =>
        key.StartsWith(RawPrefix(corpus), StringComparison.Ordinal) ? key[RawPrefix(corpus).Length..] : key;

    /// <summary>Shard number of a shard key, or null for other keys.</summary>
    public static int? ShardOf(string corpus, string key)
    {
        var prefix = DocsPrefix(corpus);
        if (!key.StartsWith(prefix, StringComparison.Ordinal) || !key.EndsWith(".jsonl.zst", StringComparison.Ordinal))
            return null;
        return int.TryParse(key.AsSpan(prefix.Length, key.Length - prefix.Length - ".jsonl.zst".Length), out var n) ? n : null;
    }

    private static string Flatten(string source) => source.Replace('/', '_');
}
