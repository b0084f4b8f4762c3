using Parquet;
using Parquet.Schema;
using Refinery.Quality.Rpv2;
using Refinery.Text.MinHash;

namespace Refinery.Quality.Formats;

/// <summary>Writes <see cref="DocumentSignals"/> (and optional extra document-level model signals) as one Parquet
/// file: see <see cref="SignalSchema"/> for the columns and <see cref="SignalFileInfo"/> for the metadata.
/// Rows are buffered into row groups bounded both in documents and in line values, so memory stays bounded
/// whatever the shard size. The output stream must be writable and seekable.</summary>
public sealed class SignalParquetWriter : IAsyncDisposable
{
    public const int DefaultRowGroupDocuments = 5_000;
    public const int DefaultRowGroupLines = 500_000;

    /// <summary>Values in an RPv2 MinHash signature (128 permutations).</summary>
    public const int SignatureLength = 128;

    private readonly ParquetWriter _writer;
    private readonly SignalSchema _schema;
    private readonly int _extraCount;
    private readonly int _maxDocuments;
    private readonly int _maxLines;
    private readonly List<(DocumentSignals Signals, double[] Extra)> _rows = [];
    private int _bufferedLines;
    private bool _completed;

    private SignalParquetWriter(ParquetWriter writer, SignalSchema schema, int extraCount, int maxDocuments, int maxLines)
    {
        _writer = writer;
        _schema = schema;
        _extraCount = extraCount;
        _maxDocuments = maxDocuments;
        _maxLines = maxLines;
    }

    /// <summary>Documents written so far.</summary>
    public long Count { get; private set; }

    public static async Task<SignalParquetWriter> CreateAsync(Stream output, SignalFileInfo info,
        int rowGroupDocuments = DefaultRowGroupDocuments, int rowGroupLines = DefaultRowGroupLines, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rowGroupDocuments, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowGroupLines, 1);
        var schema = new SignalSchema(info.ExtraSignals);
        var options = new ParquetOptions { CompressionMethod = CompressionMethod.Zstd };
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
        _rows.Add((signals, extra.ToArray()));
        _bufferedLines += signals.LineCount;
        Count++;
        if (_rows.Count >= _maxDocuments || _bufferedLines >= _maxLines) await FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Writes the last row group and the footer. The stream holds a complete file afterwards.</summary>
    public async Task CompleteAsync(CancellationToken ct = default)
    {
        if (_completed) return;
        // A file with no documents still gets one empty row group, so its schema and metadata read back as usual.
        if (_rows.Count > 0 || Count == 0) await FlushAsync(ct).ConfigureAwait(false);
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
        var rows = _rows;
        using (var group = _writer.CreateRowGroup())
        {
            await group.WriteAsync(_schema.Id, rows.Select(r => r.Signals.Id).ToArray(), null).ConfigureAwait(false);
            await group.WriteAsync<ulong>(_schema.IdInt, rows.Select(r => r.Signals.IdInt).ToArray(), cancellationToken: ct).ConfigureAwait(false);
            await group.WriteAsync<int>(_schema.Length, rows.Select(r => r.Signals.Length).ToArray(), cancellationToken: ct).ConfigureAwait(false);

            var bounds = new ListLevels<int>(nullableElements: false);
            foreach (var (s, _) in rows)
            {
                bounds.BeginList(s.LineBounds.Length);
                foreach (var b in s.LineBounds) bounds.AddValue(b);
            }
            await WriteListAsync(group, _schema.LineBounds, bounds, ct).ConfigureAwait(false);

            foreach (var signal in Rpv2Catalog.DocumentSignals)
                await WriteScalarAsync(group, _schema.DocumentSignals[signal.Index], signal.Type, rows.Select(r => r.Signals.Document[signal.Index]), ct)
                    .ConfigureAwait(false);
            foreach (var signal in Rpv2Catalog.LineSignals)
                await WriteLineSignalAsync(group, _schema.LineSignals[signal.Index], signal, rows, ct).ConfigureAwait(false);
            for (var i = 0; i < _extraCount; i++)
                await WriteScalarAsync(group, _schema.ExtraSignals[i], SignalValueType.Float, rows.Select(r => r.Extra[i]), ct).ConfigureAwait(false);
            for (var l = 0; l < MinHashBands.RpV2.Count; l++)
                await WriteBandsAsync(group, _schema.Bands[l], MinHashBands.RpV2[l], rows, ct).ConfigureAwait(false);
            group.CompleteValidate();
        }
        rows.Clear();
        _bufferedLines = 0;
    }

    private static async Task WriteScalarAsync(ParquetRowGroupWriter group, DataField field, SignalValueType type,
        IEnumerable<double> values, CancellationToken ct)
    {
        if (type == SignalValueType.Int)
            await group.WriteAsync<long>(field, values.Select(v => double.IsNaN(v) ? (long?)null : (long)v).ToArray(), cancellationToken: ct).ConfigureAwait(false);
        else
            await group.WriteAsync<double>(field, values.Select(v => double.IsNaN(v) ? (double?)null : v).ToArray(), cancellationToken: ct).ConfigureAwait(false);
    }

    private static Task WriteLineSignalAsync(ParquetRowGroupWriter group, ListField field, SignalDefinition signal,
        List<(DocumentSignals Signals, double[] Extra)> rows, CancellationToken ct)
    {
        if (signal.Type == SignalValueType.Int)
        {
            var levels = new ListLevels<long>(nullableElements: true);
            foreach (var (s, _) in rows) AddLine(levels, s.Lines[signal.Index], v => (long)v);
            return WriteListAsync(group, field, levels, ct);
        }
        var floats = new ListLevels<double>(nullableElements: true);
        foreach (var (s, _) in rows) AddLine(floats, s.Lines[signal.Index], v => v);
        return WriteListAsync(group, field, floats, ct);
    }

    private static void AddLine<T>(ListLevels<T> levels, double[] values, Func<double, T> convert) where T : struct
    {
        levels.BeginList(values.Length);
        foreach (var v in values)
        {
            if (double.IsNaN(v)) levels.AddNullElement();
            else levels.AddValue(convert(v));
        }
    }

    private static Task WriteBandsAsync(ParquetRowGroupWriter group, ListField field, BandLayout layout,
        List<(DocumentSignals Signals, double[] Extra)> rows, CancellationToken ct)
    {
        var levels = new ListLevels<ReadOnlyMemory<byte>>(nullableElements: false);
        foreach (var (s, _) in rows)
        {
            if (s.MinHash is null) { levels.AddNullList(); continue; }
            var bands = MinHashBands.Bands(s.MinHash, layout);
            levels.BeginList(bands.Length);
            foreach (var band in bands) levels.AddValue(band);
        }
        return WriteListAsync(group, field, levels, ct);
    }

    private static Task WriteListAsync<T>(ParquetRowGroupWriter group, ListField field, ListLevels<T> levels, CancellationToken ct)
        where T : struct
    {
        var (values, definitions, repetitions) = levels.ToArrays();
        return group.WriteAllPartsAsync<T>(SignalSchema.Leaf(field), values, definitions, repetitions, ct);
    }
}
