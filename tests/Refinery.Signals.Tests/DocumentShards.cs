using System.Text;
using System.Text.Json;
using Refinery.Contracts;
using Refinery.Contracts.Ingestion;
using Refinery.Storage;
using ZstdSharp;

namespace Refinery.Signals.Tests;

/// <summary>Writes document shards the way ingestion does (zstd JSONL at docs/{corpus}/{shard:D5}.jsonl.zst) and
/// the event that announces them.</summary>
public static class DocumentShards
{
    public static string Line(string id, string text, string lang = "en", string? url = "https://example.org/") =>
        JsonSerializer.Serialize(new { id, text, url, lang, lang_score = 0.99, source = "test.jsonl", meta = new { } });

    public static async Task<CorpusShardIngested> PutAsync(IObjectStore store, string corpus, int shard, IEnumerable<string> lines)
    {
        var raw = Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n")));
        using var compressed = new MemoryStream();
        await using (var zstd = new CompressionStream(compressed, 3, leaveOpen: true)) await zstd.WriteAsync(raw);
        compressed.Position = 0;
        var documents = await store.PutAsync(IngestionKeys.Shard(corpus, shard), compressed);
        return Announce(corpus, shard, documents, lines.Count());
    }

    public static CorpusShardIngested Announce(string corpus, int shard, ObjectRef documents, int count) => new()
    {
        CorpusId = CorpusNames.IdOf(corpus), Corpus = corpus, Shard = shard, Documents = documents, DocumentCount = count,
    };

    /// <summary>Sentences of plain English, long enough (over 13 words) to have a MinHash signature.</summary>
    public static IEnumerable<string> EnglishDocuments(int count) =>
        EnglishTexts(count).Select((text, i) => Line($"doc-{i}", text));

    public static IEnumerable<string> EnglishTexts(int count) => Enumerable.Range(0, count).Select(i =>
        $"Document number {i} talks about the river and the town.\nThe town was built on the river a long time ago, " +
        $"and people still fish there every summer morning.\nIs it still there? Yes, it is, and {i} boats are moored at the quay.");
}
