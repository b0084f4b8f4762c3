using System.Runtime.CompilerServices;
using System.Text.Json;
using Refinery.Quality.Rpv2;
using Refinery.Text.Compression;

namespace Refinery.Quality.Formats;

/// <summary>One line of a document shard: the document, or why the line is not one.</summary>
public sealed record ShardLine(long LineNumber, SignalDocument? Document, string? Error);

/// <summary>Streams a document shard (<c>docs/{corpus}/{shard}.jsonl.zst</c>, one JSON object a line as ingestion's
/// ShardWriter writes it) in batches, so at most one batch of documents is in memory. A line that is not a
/// document comes back with its error instead of stopping the shard.</summary>
public static class ShardDocumentReader
{
    /// <summary>No line of a shard is longer than this; ingestion caps documents far below it.</summary>
    public const int MaxLineBytes = 256 * 1024 * 1024;

    public static async IAsyncEnumerable<IReadOnlyList<ShardLine>> ReadBatchesAsync(Stream compressed, int batchSize,
        [EnumeratorCancellation] CancellationToken ct)
    {
        await using var zstd = ZstdDecompression.Open(compressed, leaveOpen: true);
        using var lines = new Utf8Lines(zstd, MaxLineBytes);
        var batch = new List<ShardLine>(batchSize);
        while (await lines.MoveNextAsync(ct).ConfigureAwait(false))
        {
            if (lines.Oversized) batch.Add(new ShardLine(lines.Number, null, $"line longer than {MaxLineBytes} bytes"));
            else if (lines.Current.IsEmpty) continue;
            else batch.Add(Parse(lines.Number, lines.Current));
            if (batch.Count < batchSize) continue;
            yield return batch;
            batch = new List<ShardLine>(batchSize);
        }
        if (batch.Count > 0) yield return batch;
    }

    private static ShardLine Parse(long lineNumber, ReadOnlySpan<byte> utf8)
    {
        try
        {
            var line = DocumentLine.Parse(utf8);
            if (line.Id is not { Length: > 0 } id) return new ShardLine(lineNumber, null, "line has no 'id'");
            if (line.Text is null) return new ShardLine(lineNumber, null, $"document {id} has no 'text'");
            // Ingestion writes "und" when it could not tell the language; the signals then use no language lists.
            return new ShardLine(lineNumber, new SignalDocument(id, line.Text, line.Url, line.Language ?? "und", line.LanguageScore), null);
        }
        catch (JsonException ex)
        {
            return new ShardLine(lineNumber, null, $"malformed JSON: {ex.Message}");
        }
        catch (InvalidDataException ex)
        {
            return new ShardLine(lineNumber, null, ex.Message);
        }
    }
}
