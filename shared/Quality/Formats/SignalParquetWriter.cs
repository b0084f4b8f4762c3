using Parquet;
using Refinery.Quality.Rpv2;

namespace Refinery.Quality.Formats;

/// <summary>Writes <see cref="DocumentSignals"/> (and optional extra document-level model signals) as one Parquet
/// file: see <see cref="SignalSchema"/> for the columns and <see cref="SignalFileInfo"/> for the metadata.
/// Rows are buffered, column by column, into row groups bounded both in documents and in lines, so memory stays
/// bounded whatever the shard size. The output stream must be writable and seekable.</summary>
public sealed class SignalParquetWriter : IAsyncDisposable
{
    public const int DefaultRowGroupDocuments = 5_000;
    public const int DefaultRowGroupLines = 500_000;

    /// <summary>Values in an RPv2 MinHash signature (128 permutations).</summary>
    public const int SignatureLength = 128;

    private readonly ParquetWriter _writer;
    private readonly int _extraCount;
    private readonly int _maxDocuments;
    private readonly int _maxLines;
    private readonly SignalRowGroupBuffer _group;
    private bool _completed;

    private SignalParquetWriter(ParquetWriter writer, SignalSchema schema, int extraCount, int maxDocuments, int maxLines)
    {
        _writer = writer;
        _extraCount = extraCount;
        _maxDocuments = maxDocuments;
        _maxLines = maxLines;
        _group = new SignalRowGroupBuffer(schema, extraCount);
    }

    /// <summary>Documents written so far.</summary>
    public long Count { get; private set; }

    public static async Task<SignalParquetWriter> CreateAsync(Stream output, SignalFileInfo info,
        int rowGroupDocuments = DefaultRowGroupDocuments, int rowGroupLines = DefaultRowGroupLines, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rowGroupDocuments, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowGroupLines, 1);
        var schema = new SignalSchema(info.ExtraSignals);
        // Parquet.Net's default level for zstd is SmallestSize, zstd's level 19: compressing took four fifths of the
        // CPU time of `refinery signals --format parquet`, four times the signals themselves. Fastest is zstd's
        // level 1: most of what remains is compressing the MinHash bands, random bytes no level shrinks, and the
        // file is about an eighth larger than at level 3 for half the compression time.
        var options = new ParquetOptions { CompressionMethod = CompressionMethod.Zstd, CompressionLevel = System.IO.Compression.CompressionLevel.Fastest };
        var writer = await ParquetWriter.CreateAsync(schema.Parquet, output, options, append: false, ct).ConfigureAwait(false);
        writer.CustomMetadata = info.ToMetadata();
        return new SignalParquetWriter(writer, schema, info.ExtraSignals.Count, rowGroupDocuments, rowGroupLines);
    }

    /// <summary>Adds one document; <paramref name="extra"/> holds the extra signals in the order of
    /// <see cref="SignalFileInfo.ExtraSignals"/> (NaN for null).</summary>
    public async ValueTask WriteAsync(DocumentSignals signals, ReadOnlyMemory<double> extra = default, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        Validate(signals);
        if (extra.Length != _extraCount)
            throw new ArgumentException($"Expected {_extraCount} extra signal values, got {extra.Length}", nameof(extra));
        _group.Add(signals, extra.Span);
        Count++;
        if (_group.Documents >= _maxDocuments || _group.Lines >= _maxLines) await FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Writes the last row group and the footer. The stream holds a complete file afterwards.</summary>
    public async Task CompleteAsync(CancellationToken ct = default)
    {
        if (_completed) return;
        // A file with no documents still gets one empty row group, so its schema and metadata read back as usual.
        if (_group.Documents > 0 || Count == 0) await FlushAsync(ct).ConfigureAwait(false);
        _completed = true;
        await _writer.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_completed) return;
        _completed = true;
        await _writer.DisposeAsync().ConfigureAwait(false);
    }

    private static void Validate(DocumentSignals s)
    {
        if (s.LineBounds.Length == 0) throw new ArgumentException($"Document {s.Id} has no line bounds (an empty text has the bound 0)");
        if (s.Document.Length != Rpv2Catalog.DocumentSignals.Count)
            throw new ArgumentException($"Document {s.Id} has {s.Document.Length} document signals, expected {Rpv2Catalog.DocumentSignals.Count}");
        if (s.Lines.Length != Rpv2Catalog.LineSignals.Count)
            throw new ArgumentException($"Document {s.Id} has {s.Lines.Length} line signals, expected {Rpv2Catalog.LineSignals.Count}");
        foreach (var line in s.Lines)
            if (line.Length != s.LineCount)
                throw new ArgumentException($"Document {s.Id} has {s.LineCount} lines but a line signal with {line.Length} values");
        if (s.MinHash is { Length: not SignatureLength })
            throw new ArgumentException($"Document {s.Id} has a MinHash of {s.MinHash.Length} values, expected {SignatureLength}");
    }

    private async Task FlushAsync(CancellationToken ct)
    {
        using (var group = _writer.CreateRowGroup())
        {
            await _group.WriteAsync(group, ct).ConfigureAwait(false);
            group.CompleteValidate();
        }
        _group.Clear();
    }
}
