namespace Refinery.Ingestion.Readers;

/// <summary>Limits and field names every reader honours. Safe defaults; configuration may change them.</summary>
public sealed class ReaderOptions
{
    public string TextField { get; init; } = "text";
    public string IdField { get; init; } = "id";
    public string UrlField { get; init; } = "url";
    /// <summary>Longest accepted document text, in UTF-16 chars; longer ones are quarantined, not truncated.</summary>
    public int MaxDocumentChars { get; init; } = 8 * 1024 * 1024;
    /// <summary>Longest line or record read in bytes before it is rejected as oversized (bounds memory).</summary>
    public int MaxRecordBytes { get; init; } = 32 * 1024 * 1024;
    /// <summary>Most bytes one source may decompress to: a guard against decompression bombs.</summary>
    public long MaxDecompressedBytes { get; init; } = 16L * 1024 * 1024 * 1024;
}
