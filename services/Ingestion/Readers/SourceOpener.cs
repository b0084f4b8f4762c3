using System.IO.Compression;
using Refinery.Storage;
using Refinery.Text.Compression;
using ZstdSharp;

namespace Refinery.Ingestion.Readers;

/// <summary>How a source's bytes are compressed.</summary>
public enum SourceCompression
{
    None,
    Gzip,
    Zstd,
}

/// <summary>Detects a source's compression (magic bytes first, then the name's extension) and wraps the raw stream in the
/// decompressor and the decompression-bomb guard.</summary>
public static class SourceOpener
{
    /// <summary>Bytes needed from the start of the raw stream to recognise its compression.</summary>
    public const int MagicLength = 4;

    /// <summary>The compression of a source from its first bytes, else from its name (.gz, .gzip, .zst, .zstd).</summary>
    public static SourceCompression DetectCompression(ReadOnlySpan<byte> head, string sourceName)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B])) return SourceCompression.Gzip;
        if (head.StartsWith((ReadOnlySpan<byte>)[0x28, 0xB5, 0x2F, 0xFD])) return SourceCompression.Zstd;
        // A name that promises compression the bytes do not show is decoded anyway, so the file is reported as corrupt
        // rather than read as text.
        return CompressionExtension(sourceName) switch
        {
            ".gz" or ".gzip" => SourceCompression.Gzip,
            ".zst" or ".zstd" => SourceCompression.Zstd,
            _ => SourceCompression.None,
        };
    }

    /// <summary>The name without its compression extension (<c>a.jsonl.gz</c> gives <c>a.jsonl</c>).</summary>
    public static string StripCompressionExtension(string sourceName)
    {
        var extension = CompressionExtension(sourceName);
        return extension.Length == 0 ? sourceName : sourceName[..^extension.Length];
    }

    /// <summary>The decompressed, size-limited view of <paramref name="raw"/>. Failures of the decompressor and the limit
    /// surface as <see cref="SourceDamagedException"/>, which the readers turn into one rejection.</summary>
    internal static BoundedStream Open(Stream raw, SourceCompression compression, ReaderOptions options)
    {
        Stream decompressed = compression switch
        {
            SourceCompression.Gzip => GzipTruncationGuard.Decompress(raw),
            SourceCompression.Zstd => ZstdDecompression.Open(raw, leaveOpen: false),
            _ => raw,
        };
        var codec = compression switch
        {
            SourceCompression.Gzip => "gzip",
            SourceCompression.Zstd => "zstd",
            _ => "source",
        };
        return new BoundedStream(decompressed, options.MaxDecompressedBytes,
            limit => new SourceDamagedException(RejectReasons.DecompressionLimit,
                $"source decompresses to more than {limit} bytes (MaxDecompressedBytes); reading stopped"),
            (ex, stream) => ex is InvalidDataException or EndOfStreamException or ZstdException
                ? new SourceDamagedException(RejectReasons.CorruptCompression,
                    $"{codec} stream is corrupt or truncated after {stream.BytesRead} decompressed bytes: {ex.Message}", ex)
                : null);
    }

    private static string CompressionExtension(string sourceName)
    {
        foreach (var extension in (ReadOnlySpan<string>)[".gz", ".gzip", ".zst", ".zstd"])
        {
            if (sourceName.EndsWith(extension, StringComparison.OrdinalIgnoreCase)) return sourceName[^extension.Length..];
        }
        return "";
    }
}
