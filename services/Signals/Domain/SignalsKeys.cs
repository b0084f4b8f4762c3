using System.Globalization;
using Refinery.Contracts.Ingestion;

namespace Refinery.Signals.Domain;

/// <summary>Object keys the signals service owns (DESIGN §6), deterministic in corpus, shard and configuration.</summary>
public static class SignalsKeys
{
    private const string DocsPrefix = "docs/";
    private const string DocsSuffix = ".jsonl.zst";

    public static string Signals(string corpus, int shard, string config) => $"signals/{corpus}/{shard:D5}.{config}.parquet";

    /// <summary>Ingestion's source names never contain '/', so this folder cannot collide with its quarantine files.</summary>
    public static string Quarantine(string corpus, int shard, string config) => $"quarantine/{corpus}/signals/{shard:D5}.{config}.jsonl";

    /// <summary>The corpus name of an announced shard, read from its key <c>docs/{corpus}/{shard:D5}.jsonl.zst</c>,
    /// or the reason the announcement does not describe a document shard of that corpus.</summary>
    public static (string? Corpus, string? Problem) CorpusOf(CorpusShardIngested shard)
    {
        var key = shard.Documents.Key;
        var expectedFile = "/" + shard.Shard.ToString("D5", CultureInfo.InvariantCulture) + DocsSuffix;
        if (!key.StartsWith(DocsPrefix, StringComparison.Ordinal) || !key.EndsWith(expectedFile, StringComparison.Ordinal))
            return (null, $"documents key '{key}' is not docs/{{corpus}}{expectedFile}");
        var corpus = key[DocsPrefix.Length..^expectedFile.Length];
        if (CorpusNames.Problem(corpus) is { } problem) return (null, $"corpus name '{corpus}' in '{key}': {problem}");
        if (CorpusNames.IdOf(corpus) != shard.CorpusId)
            return (null, $"corpus id {shard.CorpusId} does not belong to the corpus '{corpus}' of '{key}'");
        return (corpus, null);
    }
}
