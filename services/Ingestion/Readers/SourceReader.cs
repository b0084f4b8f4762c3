using System.Runtime.CompilerServices;

namespace Refinery.Ingestion.Readers;

/// <summary>The one entry point for reading a source: undoes compression (gzip, zstd) behind a decompression-bomb
/// guard, picks the reader from the format or the name, and turns every problem into a <see cref="Rejection"/>.</summary>
/// <remarks>Never throws for bad content; only cancellation and I/O failures of <c>raw</c> itself escape.</remarks>
public static class SourceReader
{
    /// <summary>Bytes of decompressed content looked at to recognise a WARC, ARC or Parquet file with a generic name.</summary>
    private const int SniffLength = 16;

    /// <summary>Format names accepted in <c>format</c> and returned by <see cref="DetectFormat"/>.</summary>
    public static IReadOnlyList<string> Formats { get; } = ["jsonl", "parquet", "warc", "wet", "text"];

    /// <summary>Reads <paramref name="raw"/> (left open) as documents and rejections, in source order.</summary>
    /// <param name="sourceName">File name with its extensions (<c>crawl-00001.warc.gz</c>), used to pick the format.</param>
    /// <param name="format">jsonl, parquet, warc, wet or text (also json, ndjson, arc, txt); null to decide from the name.</param>
    public static async IAsyncEnumerable<ReadItem> ReadAsync(Stream raw, string sourceName, string? format, ReaderOptions options,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        string? resolved = null;
        if (!string.IsNullOrWhiteSpace(format) && (resolved = NormalizeFormat(format)) is null)
        {
            yield return ReadItem.Reject(0, RejectReasons.UnreadableSource,
                $"unknown format '{format}' (expected one of {string.Join(", ", Formats)})");
            yield break;
        }

        // Compression: peek the magic bytes without losing them.
        var rawStart = raw.CanSeek ? raw.Position : -1;
        var magic = new byte[SourceOpener.MagicLength];
        var magicLength = await ReadUpToAsync(raw, magic, ct).ConfigureAwait(false);
        var compression = SourceOpener.DetectCompression(magic.AsSpan(0, magicLength), sourceName);
        Stream rawView;
        if (rawStart >= 0)
        {
            raw.Position = rawStart;
            rawView = new PrefixedStream(ReadOnlyMemory<byte>.Empty, raw, leaveOpen: true);
        }
        else rawView = new PrefixedStream(magic.AsMemory(0, magicLength), raw, leaveOpen: true);

        await using var content = SourceOpener.Open(rawView, compression, options);

        // Empty check and content sniffing on the decompressed bytes.
        var head = new byte[SniffLength];
        int headLength;
        SourceDamagedException? damage = null;
        try
        {
            headLength = await ReadUpToAsync(content, head, ct).ConfigureAwait(false);
        }
        catch (SourceDamagedException ex)
        {
            damage = ex;
            headLength = 0;
        }
        if (damage is not null)
        {
            yield return ReadItem.Reject(0, damage.Reason, damage.Message);
            yield break;
        }
        if (headLength == 0)
        {
            yield return ReadItem.Reject(0, RejectReasons.EmptySource, "source has no content (0 bytes after decompression)");
            yield break;
        }
        resolved ??= DetectFormat(sourceName, head.AsSpan(0, headLength));

        Stream readerInput;
        if (resolved == "parquet" && compression == SourceCompression.None && rawStart == 0)
        {
            raw.Position = 0;   // Parquet seeks: hand it the raw file instead of spooling a copy
            readerInput = raw;
        }
        else readerInput = new PrefixedStream(head.AsMemory(0, headLength), content, leaveOpen: true);

        var reader = Create(resolved);
        await using var enumerator = reader.ReadAsync(readerInput, sourceName, options, ct).GetAsyncEnumerator(ct);
        long lastPosition = 0;
        while (true)
        {
            ReadItem item;
            try
            {
                if (!await enumerator.MoveNextAsync().ConfigureAwait(false)) break;
                item = enumerator.Current;
            }
            catch (SourceDamagedException ex)
            {
                // Readers report damage themselves where they know a finer position; this is the backstop.
                damage = ex;
                item = default;
            }
            if (damage is not null)
            {
                yield return ReadItem.Reject(lastPosition, damage.Reason, damage.Message);
                yield break;
            }
            lastPosition = item.Document?.Position ?? item.Rejection?.Position ?? lastPosition;
            yield return item;
        }
    }

    /// <summary>The format for a source name: by extension (compression extensions ignored), else by content
    /// (<c>WARC/1.</c>, ARC's <c>filedesc://</c>, Parquet's <c>PAR1</c>), else text.</summary>
    public static string DetectFormat(string sourceName, ReadOnlySpan<byte> decompressedHead = default)
    {
        var name = SourceOpener.StripCompressionExtension(sourceName).ToLowerInvariant();
        if (name.EndsWith(".jsonl", StringComparison.Ordinal) || name.EndsWith(".json", StringComparison.Ordinal) ||
            name.EndsWith(".ndjson", StringComparison.Ordinal)) return "jsonl";
        if (name.EndsWith(".parquet", StringComparison.Ordinal)) return "parquet";
        if (name.EndsWith(".wet", StringComparison.Ordinal)) return "wet";   // also .warc.wet
        if (name.EndsWith(".warc", StringComparison.Ordinal) || name.EndsWith(".arc", StringComparison.Ordinal)) return "warc";
        // .txt and unknown names: a WARC/WET kept as .txt (cc_net's samples are) is still a WARC.
        if (decompressedHead.StartsWith("WARC/1."u8) || decompressedHead.StartsWith("WARC/0."u8))
            return name.Contains(".wet", StringComparison.Ordinal) ? "wet" : "warc";
        if (decompressedHead.StartsWith("filedesc://"u8)) return "warc";
        if (decompressedHead.StartsWith("PAR1"u8)) return "parquet";
        return "text";
    }

    /// <summary>The reader for a format name (see <see cref="Formats"/>).</summary>
    public static IDocumentReader Create(string format) => NormalizeFormat(format) switch
    {
        "jsonl" => new JsonlReader(),
        "parquet" => new ParquetDocumentReader(),
        "warc" => new WarcReader("warc"),
        "wet" => new WarcReader("wet"),
        "text" => new PlainTextReader(),
        _ => throw new ArgumentException($"unknown format '{format}'", nameof(format)),
    };

    private static string? NormalizeFormat(string format) => format.Trim().ToLowerInvariant() switch
    {
        "jsonl" or "json" or "ndjson" or "jsonlines" => "jsonl",
        "parquet" => "parquet",
        "warc" or "arc" => "warc",
        "wet" => "wet",
        "text" or "txt" or "plain" => "text",
        _ => null,
    };

    private static async ValueTask<int> ReadUpToAsync(Stream stream, byte[] buffer, CancellationToken ct)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(total), ct).ConfigureAwait(false);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
