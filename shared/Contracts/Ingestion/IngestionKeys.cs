namespace Refinery.Contracts.Ingestion;

/// <summary>Object keys of the ingestion service's area (DESIGN §6), defined once for the producer and every reader:
/// raw uploads, document shards and quarantine. Deterministic in corpus and position.</summary>
public static class IngestionKeys
{
    public const string DocumentSuffix = ".jsonl.zst";

    public static string RawPrefix(string corpus) => $"raw/{corpus}/";

    public static string Raw(string corpus, string name) => $"raw/{corpus}/{name}";

    public static string DocsPrefix(string corpus) => $"docs/{corpus}/";

    /// <summary>Whether the corpus's shards are complete (<see cref="CorpusIngestionState"/>): <c>ingestion/{corpus}.json</c>,
    /// outside docs/ so that whoever copies a corpus's folder of shards gets shards only.</summary>
    public static string State(string corpus) => $"ingestion/{corpus}.json";

    /// <summary>A document shard: <c>docs/{corpus}/{shard:D5}.jsonl.zst</c>.</summary>
    public static string Shard(string corpus, int shard) => $"docs/{corpus}/{shard:D5}{DocumentSuffix}";

    /// <summary>Rejected records of one source. The source's name is flattened so every source's file sits directly in
    /// the corpus's quarantine folder (and other services' subfolders cannot collide with it), and flattened one-to-one
    /// ('~' becomes "~7e", '/' becomes "~2f"), so two sources never share a file: "qa_b/c" and "qa/b_c" stay apart.</summary>
    public static string Quarantine(string corpus, string source) =>
        $"quarantine/{corpus}/{source.Replace("~", "~7e", StringComparison.Ordinal).Replace("/", "~2f", StringComparison.Ordinal)}.jsonl";

    /// <summary>The source's name inside the corpus: its key without the raw prefix.</summary>
    public static string SourceName(string corpus, string key) =>
        key.StartsWith(RawPrefix(corpus), StringComparison.Ordinal) ? key[RawPrefix(corpus).Length..] : key;

    /// <summary>Shard number of a shard key, or null for other keys.</summary>
    public static int? ShardOf(string corpus, string key)
    {
        var prefix = DocsPrefix(corpus);
        if (!key.StartsWith(prefix, StringComparison.Ordinal) || !key.EndsWith(DocumentSuffix, StringComparison.Ordinal))
            return null;
        return int.TryParse(key.AsSpan(prefix.Length, key.Length - prefix.Length - DocumentSuffix.Length), out var n) ? n : null;
    }
}
