using System.Globalization;

namespace Refinery.Contracts.Ingestion;

/// <summary>Object keys of the ingestion service's area (DESIGN §6), defined once for the producer and every reader:
/// raw uploads, document shards and quarantine. Deterministic in corpus and position.</summary>
public static class IngestionKeys
{
    public const string DocumentSuffix = ".jsonl.zst";

    public static string RawPrefix(string corpus) => $"raw/{corpus}/";

    public static string Raw(string corpus, string name) => $"raw/{corpus}/{name}";

    /// <summary>Where the gateway stages an upload's file parts until the request is validated and its corpus name is
    /// claimed; nothing under raw/ is written before that.</summary>
    public const string UploadStagingRoot = "staging/uploads/";

    /// <summary>One request's staging folder: <c>staging/uploads/{started:yyyyMMddHHmmss, UTC}-{request:N}/</c>. The start
    /// time is in the key so a sweep can tell an abandoned upload's parts by their key alone.</summary>
    public static string UploadStagingPrefix(DateTimeOffset started, Guid request) =>
        $"{UploadStagingRoot}{started.UtcDateTime.ToString(StagingTimeFormat, CultureInfo.InvariantCulture)}-{request:N}/";

    /// <summary>A staged file part: its position in the request, not its name (the name is checked for the raw key).</summary>
    public static string UploadStaging(string requestPrefix, int part) => $"{requestPrefix}{part:D5}";

    /// <summary>When the request that staged <paramref name="key"/> started, or null for a key of another shape.</summary>
    public static DateTimeOffset? UploadStagingStarted(string key)
    {
        if (!key.StartsWith(UploadStagingRoot, StringComparison.Ordinal) || key.Length < UploadStagingRoot.Length + StagingTimeFormat.Length)
            return null;
        var stamp = key.AsSpan(UploadStagingRoot.Length, StagingTimeFormat.Length);
        return DateTime.TryParseExact(stamp, StagingTimeFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var started)
            ? new DateTimeOffset(started, TimeSpan.Zero)
            : null;
    }

    private const string StagingTimeFormat = "yyyyMMddHHmmss";

    public static string DocsPrefix(string corpus) => $"docs/{corpus}/";

    /// <summary>Whether the corpus's shards are complete (<see cref="CorpusIngestionState"/>): <c>ingestion/{corpus}.json</c>,
    /// outside docs/ so that whoever copies a corpus's folder of shards gets shards only.</summary>
    public static string State(string corpus) => $"ingestion/{corpus}.json";

    /// <summary>A document shard: <c>docs/{corpus}/{shard:D5}.jsonl.zst</c>.</summary>
    public static string Shard(string corpus, int shard) => $"docs/{corpus}/{shard:D5}{DocumentSuffix}";

    /// <summary>Everything a corpus's ingestion and signals set aside: <c>quarantine/{corpus}/</c>.</summary>
    public static string QuarantinePrefix(string corpus) => $"quarantine/{corpus}/";

    /// <summary>Rejected records of one source. The source's name is flattened so every source's file sits directly in
    /// the corpus's quarantine folder (and other services' subfolders cannot collide with it), and flattened one-to-one
    /// ('~' becomes "~7e", '/' becomes "~2f"), so two sources never share a file: "qa_b/c" and "qa/b_c" stay apart.</summary>
    public static string Quarantine(string corpus, string source) =>
        $"{QuarantinePrefix(corpus)}{source.Replace("~", "~7e", StringComparison.Ordinal).Replace("/", "~2f", StringComparison.Ordinal)}.jsonl";

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
