using System.Text;
using System.Text.Json;
using Refinery.Storage;
using ZstdSharp;

namespace Refinery.Gateway.Apis;

/// <summary>Reads the first documents of a zstd-compressed JSONL shard, bounded in count and in decompressed bytes
/// so a huge or hostile shard cannot exhaust memory.</summary>
internal static class ShardPreview
{
    /// <summary>Up to <paramref name="limit"/> documents; throws <see cref="ObjectNotFoundException"/> when the shard
    /// is absent and <see cref="InvalidDataException"/> when it is corrupt.</summary>
    public static async Task<List<JsonElement>> ReadAsync(IObjectStore store, string key, int limit, long maxBytes, CancellationToken ct)
    {
        var documents = new List<JsonElement>(Math.Min(limit, 256));
        await using var raw = await store.OpenReadAsync(key, ct);
        await using var zstd = new DecompressionStream(raw);
        var bounded = new BoundedStream(zstd, maxBytes, leaveOpen: true);
        using var reader = new StreamReader(bounded, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false);
        var line = 0;
        try
        {
            while (documents.Count < limit && await reader.ReadLineAsync(ct) is { } text)
            {
                line++;
                if (text.Length == 0) continue;
                try
                {
                    using var doc = JsonDocument.Parse(text);
                    documents.Add(doc.RootElement.Clone());
                }
                catch (JsonException ex)
                {
                    // The byte limit cut the last line short: return what was read whole.
                    if (bounded.LimitReached) break;
                    throw new InvalidDataException($"line {line} is not a JSON object: {ex.Message}", ex);
                }
            }
        }
        catch (ZstdException ex)
        {
            throw new InvalidDataException($"the shard cannot be decompressed: {ex.Message}", ex);
        }
        return documents;
    }
}
