using System.Text.Json;
using Refinery.Contracts.Ingestion;
using Refinery.Storage;
using ZstdSharp;

namespace Refinery.Host.Demo;

/// <summary>One row of the per-source table the demo prints.</summary>
public sealed record SourceRow(string Source, int Documents, int MedianChars, string TopLanguages);

/// <summary>Reads a corpus's document shards back from the store and tabulates them by source, so the demo
/// shows what really landed in the output rather than what the pipeline claims.</summary>
public static class ShardSummary
{
    public static async Task<IReadOnlyList<SourceRow>> BySourceAsync(IObjectStore store, string corpus, CancellationToken ct)
    {
        var lengths = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var languages = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        await ForEachDocumentAsync(store, corpus, doc =>
        {
            var source = doc.GetProperty("source").GetString()!;
            var lang = doc.GetProperty("lang").GetString()!;
            var chars = doc.GetProperty("text").GetString()!.Length;
            (lengths.TryGetValue(source, out var l) ? l : lengths[source] = []).Add(chars);
            var counts = languages.TryGetValue(source, out var c) ? c : languages[source] = [];
            counts[lang] = counts.GetValueOrDefault(lang) + 1;
        }, ct);
        return lengths.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p =>
        {
            p.Value.Sort();
            var langs = languages[p.Key].OrderByDescending(x => x.Value).ThenBy(x => x.Key, StringComparer.Ordinal).ToList();
            var top = string.Join(" ", langs.Take(4).Select(x => $"{x.Key} {100.0 * x.Value / p.Value.Count:F0}%"));
            if (langs.Count > 4) top += $" (+{langs.Count - 4} more)";
            return new SourceRow(Path.GetFileNameWithoutExtension(p.Key), p.Value.Count, p.Value[p.Value.Count / 2], top);
        }).ToArray();
    }

    /// <summary>Document id → sample source name, read from the document shards.</summary>
    public static async Task<Dictionary<string, string>> SourcesByIdAsync(IObjectStore store, string corpus, CancellationToken ct)
    {
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        await ForEachDocumentAsync(store, corpus, doc =>
            sources[doc.GetProperty("id").GetString()!] = Path.GetFileNameWithoutExtension(doc.GetProperty("source").GetString()!), ct);
        return sources;
    }

    /// <summary>Visits every document of every shard of the corpus, shard by shard, in line order.</summary>
    public static async Task ForEachDocumentAsync(IObjectStore store, string corpus, Action<JsonElement> visit, CancellationToken ct)
    {
        await foreach (var info in store.ListAsync(IngestionKeys.DocsPrefix(corpus), ct))
        {
            await using var raw = await store.OpenReadAsync(info.Key, ct);
            await using var zstd = new DecompressionStream(raw);
            using var reader = new StreamReader(zstd);
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                using var doc = JsonDocument.Parse(line);
                visit(doc.RootElement);
            }
        }
    }
}
