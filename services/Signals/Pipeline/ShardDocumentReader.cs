using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Refinery.Quality.Rpv2;
using ZstdSharp;

namespace Refinery.Signals.Pipeline;

/// <summary>One line of a document shard: the document, or why the line is not one.</summary>
public sealed record ShardLine(long LineNumber, SignalDocument? Document, string? Error);

/// <summary>Streams a document shard (<c>docs/{corpus}/{shard}.jsonl.zst</c>, one JSON object a line as ingestion's
/// ShardWriter writes it) in batches, so at most one batch of documents is in memory. A line that is not a
/// document comes back with its error instead of stopping the shard.</summary>
public static class ShardDocumentReader
{
    private sealed record Line(
        [property: JsonPropertyName("id")] string? Id,
        [property: JsonPropertyName("text")] string? Text,
        [property: JsonPropertyName("url")] string? Url,
        [property: JsonPropertyName("lang")] string? Lang,
        [property: JsonPropertyName("lang_score")] double? LangScore);

    public static async IAsyncEnumerable<IReadOnlyList<ShardLine>> ReadBatchesAsync(Stream compressed, int batchSize,
        [EnumeratorCancellation] CancellationToken ct)
    {
        await using var zstd = new DecompressionStream(compressed, leaveOpen: true);
        using var reader = new StreamReader(zstd, new UTF8Encoding(false, throwOnInvalidBytes: false), false, 1 << 16);
        var batch = new List<ShardLine>(batchSize);
        long lineNumber = 0;
        while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } text)
        {
            lineNumber++;
            if (text.Length == 0) continue;
            batch.Add(Parse(lineNumber, text));
            if (batch.Count < batchSize) continue;
            yield return batch;
            batch = new List<ShardLine>(batchSize);
        }
        if (batch.Count > 0) yield return batch;
    }

    private static ShardLine Parse(long lineNumber, string text)
    {
        try
        {
            var line = JsonSerializer.Deserialize<Line>(text);
            if (line?.Id is not { Length: > 0 } id) return new ShardLine(lineNumber, null, "line has no 'id'");
            if (line.Text is null) return new ShardLine(lineNumber, null, $"document {id} has no 'text'");
            // Ingestion writes "und" when it could not tell the language; the signals then use no language lists.
            return new ShardLine(lineNumber, new SignalDocument(id, line.Text, line.Url, line.Lang ?? "und", line.LangScore), null);
        }
        catch (JsonException ex)
        {
            return new ShardLine(lineNumber, null, $"malformed JSON: {ex.Message}");
        }
    }
}
