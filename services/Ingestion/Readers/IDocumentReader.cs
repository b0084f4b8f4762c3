namespace Refinery.Ingestion.Readers;

/// <summary>Reads one already-decompressed source stream into documents and rejections, in source order,
/// in constant memory, never throwing for bad content (only for cancellation or I/O failure of the stream itself).</summary>
public interface IDocumentReader
{
    /// <summary>The format name this reader handles: jsonl, parquet, warc, wet or text.</summary>
    string Format { get; }

    IAsyncEnumerable<ReadItem> ReadAsync(Stream source, string sourceName, ReaderOptions options, CancellationToken ct = default);
}
