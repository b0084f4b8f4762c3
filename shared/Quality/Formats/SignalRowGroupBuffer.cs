using Parquet;
using Refinery.Quality.Rpv2;
using Refinery.Text;
using Refinery.Text.MinHash;

namespace Refinery.Quality.Formats;

/// <summary>One row group of a signal file, held column by column: each document's values go into the column
/// buffers as it is added, so the writer keeps no document objects alive (they would be promoted by the collector
/// and scanned while a group fills), and a full group is written straight from the buffers, which are then reused.</summary>
internal sealed class SignalRowGroupBuffer
{
    private readonly SignalSchema _schema;
    // Not readonly: the buffers are mutable structs (those in arrays are changed in place, through the element).
    private GrowableBuffer<string> _ids = new(256);
    private GrowableBuffer<ulong> _idInts = new(256);
    private GrowableBuffer<int> _lengths = new(256);
    private readonly ListLevels<int> _bounds = new(nullableElements: false);
    private readonly GrowableBuffer<long?>[] _intDocument;
    private readonly GrowableBuffer<double?>[] _floatDocument;
    private readonly ListLevels<long>[] _intLines;
    private readonly ListLevels<double>[] _floatLines;
    private readonly GrowableBuffer<double?>[] _extra;
    private readonly ListLevels<ReadOnlyMemory<byte>>[] _bands;
    private readonly ByteArena _bandBytes = new();

    public SignalRowGroupBuffer(SignalSchema schema, int extraCount)
    {
        _schema = schema;
        // One buffer per signal, indexed by the signal's catalog index; only the one of the signal's type is used.
        _intDocument = Rpv2Catalog.DocumentSignals.Select(_ => new GrowableBuffer<long?>(256)).ToArray();
        _floatDocument = Rpv2Catalog.DocumentSignals.Select(_ => new GrowableBuffer<double?>(256)).ToArray();
        _intLines = Rpv2Catalog.LineSignals.Select(_ => new ListLevels<long>(nullableElements: true)).ToArray();
        _floatLines = Rpv2Catalog.LineSignals.Select(_ => new ListLevels<double>(nullableElements: true)).ToArray();
        _extra = Enumerable.Range(0, extraCount).Select(_ => new GrowableBuffer<double?>(256)).ToArray();
        _bands = MinHashBands.RpV2.Select(_ => new ListLevels<ReadOnlyMemory<byte>>(nullableElements: false)).ToArray();
    }

    public int Documents => _ids.Length;

    /// <summary>Lines of the documents held so far.</summary>
    public int Lines { get; private set; }

    public void Add(DocumentSignals s, ReadOnlySpan<double> extra)
    {
        _ids.Append(s.Id);
        _idInts.Append(s.IdInt);
        _lengths.Append(s.Length);
        _bounds.BeginList(s.LineBounds.Length);
        foreach (var b in s.LineBounds) _bounds.AddValue(b);

        foreach (var signal in Rpv2Catalog.DocumentSignals)
        {
            var v = s.Document[signal.Index];
            if (signal.Type == SignalValueType.Int) _intDocument[signal.Index].Append(double.IsNaN(v) ? null : (long)v);
            else _floatDocument[signal.Index].Append(double.IsNaN(v) ? null : v);
        }
        foreach (var signal in Rpv2Catalog.LineSignals)
        {
            var values = s.Lines[signal.Index];
            if (signal.Type == SignalValueType.Int) AddLine(_intLines[signal.Index], values, v => (long)v);
            else AddLine(_floatLines[signal.Index], values, v => v);
        }
        for (var i = 0; i < extra.Length; i++) _extra[i].Append(double.IsNaN(extra[i]) ? null : extra[i]);
        for (var l = 0; l < _bands.Length; l++) AddBands(_bands[l], MinHashBands.RpV2[l], s.MinHash);
        Lines += s.LineCount;
    }

    public async Task WriteAsync(ParquetRowGroupWriter group, CancellationToken ct)
    {
        await group.WriteAsync(_schema.Id, _ids.Memory.ToArray(), null).ConfigureAwait(false);
        await group.WriteAsync<ulong>(_schema.IdInt, _idInts.Memory, cancellationToken: ct).ConfigureAwait(false);
        await group.WriteAsync<int>(_schema.Length, _lengths.Memory, cancellationToken: ct).ConfigureAwait(false);
        await WriteListAsync(group, _schema.LineBounds, _bounds, ct).ConfigureAwait(false);
        foreach (var signal in Rpv2Catalog.DocumentSignals)
        {
            var field = _schema.DocumentSignals[signal.Index];
            if (signal.Type == SignalValueType.Int)
                await group.WriteAsync<long>(field, _intDocument[signal.Index].Memory, cancellationToken: ct).ConfigureAwait(false);
            else
                await group.WriteAsync<double>(field, _floatDocument[signal.Index].Memory, cancellationToken: ct).ConfigureAwait(false);
        }
        foreach (var signal in Rpv2Catalog.LineSignals)
        {
            var field = _schema.LineSignals[signal.Index];
            if (signal.Type == SignalValueType.Int) await WriteListAsync(group, field, _intLines[signal.Index], ct).ConfigureAwait(false);
            else await WriteListAsync(group, field, _floatLines[signal.Index], ct).ConfigureAwait(false);
        }
        for (var i = 0; i < _extra.Length; i++)
            await group.WriteAsync<double>(_schema.ExtraSignals[i], _extra[i].Memory, cancellationToken: ct).ConfigureAwait(false);
        for (var l = 0; l < _bands.Length; l++) await WriteListAsync(group, _schema.Bands[l], _bands[l], ct).ConfigureAwait(false);
    }

    public void Clear()
    {
        _ids.Clear();
        _idInts.Clear();
        _lengths.Clear();
        _bounds.Clear();
        for (var i = 0; i < _intDocument.Length; i++) _intDocument[i].Clear();
        for (var i = 0; i < _floatDocument.Length; i++) _floatDocument[i].Clear();
        foreach (var l in _intLines) l.Clear();
        foreach (var l in _floatLines) l.Clear();
        for (var i = 0; i < _extra.Length; i++) _extra[i].Clear();
        foreach (var b in _bands) b.Clear();
        _bandBytes.Reset();
        Lines = 0;
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

    private void AddBands(ListLevels<ReadOnlyMemory<byte>> levels, BandLayout layout, uint[]? signature)
    {
        if (signature is null)
        {
            levels.AddNullList();
            return;
        }
        levels.BeginList(layout.Bands);
        for (var b = 0; b < layout.Bands; b++)
        {
            var bytes = _bandBytes.Allocate(layout.Rows * 4);
            MinHashBands.WriteBand(signature, b, layout.Rows, bytes.Span);
            levels.AddValue(bytes);
        }
    }

    private static Task WriteListAsync<T>(ParquetRowGroupWriter group, Parquet.Schema.ListField field, ListLevels<T> levels, CancellationToken ct)
        where T : struct
    {
        var (values, definitions, repetitions) = levels.Levels;
        return group.WriteAllPartsAsync<T>(SignalSchema.Leaf(field), values, definitions, repetitions, ct);
    }
}
