using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Parquet;
using Parquet.Schema;
using Refinery.Quality.Rpv2;
using Refinery.Text.MinHash;

namespace Refinery.Quality.Formats;

/// <summary>One row of a signal file: the RPv2 signals and the extra signals in <see cref="SignalFileInfo.ExtraSignals"/> order.</summary>
public sealed record SignalRow(DocumentSignals Signals, double[] Extra);

/// <summary>Reads a file written by <see cref="SignalParquetWriter"/> back into <see cref="DocumentSignals"/>, one
/// row group at a time. The MinHash signature comes from the 1.0 band column, which holds all 128 values.</summary>
public sealed class SignalParquetReader : IAsyncDisposable
{
    private readonly ParquetReader _reader;
    private readonly Dictionary<string, Field> _fields;

    private SignalParquetReader(ParquetReader reader, SignalFileInfo info)
    {
        _reader = reader;
        Info = info;
        _fields = reader.Schema.Fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
        RowCount = reader.RowGroups.Sum(g => g.RowCount);
    }

    public SignalFileInfo Info { get; }

    /// <summary>Documents in the file, from the row-group metadata (no data is read).</summary>
    public long RowCount { get; }

    /// <summary>Opens a signal file; the stream must be seekable and stays open when the reader is disposed
    /// unless <paramref name="leaveOpen"/> is false.</summary>
    public static async Task<SignalParquetReader> OpenAsync(Stream input, bool leaveOpen = true, CancellationToken ct = default)
    {
        var reader = await ParquetReader.CreateAsync(input, new ParquetOptions(), leaveOpen, ct).ConfigureAwait(false);
        try
        {
            var info = SignalFileInfo.FromMetadata(reader.CustomMetadata);
            return new SignalParquetReader(reader, info);
        }
        catch
        {
            await reader.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public IAsyncEnumerable<SignalRow> ReadAsync(CancellationToken ct = default) => ReadAsync(SignalColumns.All, ct);

    /// <summary>The rows, decoding only <paramref name="columns"/>.</summary>
    public async IAsyncEnumerable<SignalRow> ReadAsync(SignalColumns columns, [EnumeratorCancellation] CancellationToken ct = default)
    {
        for (var g = 0; g < _reader.RowGroupCount; g++)
        {
            var rows = await ReadGroupAsync(_reader.OpenRowGroupReader(g), columns, ct).ConfigureAwait(false);
            foreach (var row in rows) yield return row;
        }
    }

    private async Task<SignalRow[]> ReadGroupAsync(ParquetRowGroupReader group, SignalColumns columns, CancellationToken ct)
    {
        var n = checked((int)group.RowCount);
        var ids = new string[n];
        await group.ReadAsync(Scalar("id"), ids, null, ct).ConfigureAwait(false);
        var idInts = new ulong[n];
        await group.ReadAsync<ulong>(Scalar("id_int"), idInts, null, ct).ConfigureAwait(false);
        var lengths = new int[n];
        await group.ReadAsync<int>(Scalar("length"), lengths, null, ct).ConfigureAwait(false);
        var bounds = await ReadListAsync<int>(group, "line_bounds", n, ct).ConfigureAwait(false);

        var document = new double[n][];
        for (var i = 0; i < n; i++)
        {
            document[i] = new double[Rpv2Catalog.DocumentSignals.Count];
            Array.Fill(document[i], double.NaN);
        }
        foreach (var signal in Rpv2Catalog.DocumentSignals.Where(s => columns.Reads(s.Name)))
        {
            var values = await ReadScalarAsync(group, signal.Name, signal.Type, n, ct).ConfigureAwait(false);
            for (var i = 0; i < n; i++) document[i][signal.Index] = values[i];
        }

        var lines = new double[n][][];
        for (var i = 0; i < n; i++)
        {
            lines[i] = new double[Rpv2Catalog.LineSignals.Count][];
            Array.Fill(lines[i], []);
        }
        foreach (var signal in Rpv2Catalog.LineSignals.Where(s => columns.Reads(s.Name)))
        {
            var values = signal.Type == SignalValueType.Int
                ? ToDoubles(await ReadListAsync<long>(group, signal.Name, n, ct).ConfigureAwait(false), v => v)
                : ToDoubles(await ReadListAsync<double>(group, signal.Name, n, ct).ConfigureAwait(false), v => v);
            for (var i = 0; i < n; i++) lines[i][signal.Index] = values[i];
        }

        var extra = new double[n][];
        for (var i = 0; i < n; i++)
        {
            extra[i] = new double[Info.ExtraSignals.Count];
            Array.Fill(extra[i], double.NaN);
        }
        for (var e = 0; e < Info.ExtraSignals.Count; e++)
        {
            if (!columns.Reads(Info.ExtraSignals[e])) continue;
            var values = await ReadScalarAsync(group, Info.ExtraSignals[e], SignalValueType.Float, n, ct).ConfigureAwait(false);
            for (var i = 0; i < n; i++) extra[i][e] = values[i];
        }

        var full = columns.MinHash
            ? await ReadListAsync<ReadOnlyMemory<byte>>(group, MinHashBands.RpV2[0].ColumnName, n, ct).ConfigureAwait(false)
            : new ReadOnlyMemory<byte>?[n][];

        var rows = new SignalRow[n];
        for (var i = 0; i < n; i++)
        {
            var lineBounds = bounds[i]?.Select(b => b ?? throw new InvalidDataException("line_bounds holds a null")).ToArray()
                             ?? throw new InvalidDataException($"Row {ids[i]} has no line_bounds");
            rows[i] = new SignalRow(new DocumentSignals
            {
                Id = ids[i],
                IdInt = idInts[i],
                Length = lengths[i],
                LineBounds = lineBounds,
                Document = document[i],
                Lines = lines[i],
                MinHash = full[i] is { Length: 1 } band && band[0] is { } bytes ? SignatureOf(bytes.Span) : null,
            }, extra[i]);
        }
        return rows;
    }

    private async Task<double[]> ReadScalarAsync(ParquetRowGroupReader group, string name, SignalValueType type, int n, CancellationToken ct)
    {
        var field = Scalar(name);
        if (type == SignalValueType.Int)
        {
            var longs = new long?[n];
            await group.ReadAsync<long>(field, longs, null, ct).ConfigureAwait(false);
            return longs.Select(v => v.HasValue ? (double)v.Value : double.NaN).ToArray();
        }
        var doubles = new double?[n];
        await group.ReadAsync<double>(field, doubles, null, ct).ConfigureAwait(false);
        return doubles.Select(v => v ?? double.NaN).ToArray();
    }

    private async Task<T?[]?[]> ReadListAsync<T>(ParquetRowGroupReader group, string name, int n, CancellationToken ct) where T : struct
    {
        var leaf = _fields.TryGetValue(name, out var field) && field is ListField { Item: DataField item }
            ? item
            : throw new InvalidDataException($"Signal file has no list column '{name}'");
        return await ListLevels<T>.ReadAsync(group, leaf, n, ct).ConfigureAwait(false);
    }

    /// <summary>The 1.0 setting is one band of all 128 values, big-endian: read back, it is the signature.</summary>
    private static uint[] SignatureOf(ReadOnlySpan<byte> fullBand)
    {
        if (fullBand.Length != SignalParquetWriter.SignatureLength * sizeof(uint))
            throw new InvalidDataException($"The signature_sim1.0 band has {fullBand.Length} bytes, expected {SignalParquetWriter.SignatureLength * sizeof(uint)}");
        var signature = new uint[SignalParquetWriter.SignatureLength];
        for (var i = 0; i < signature.Length; i++) signature[i] = BinaryPrimitives.ReadUInt32BigEndian(fullBand[(i * sizeof(uint))..]);
        return signature;
    }

    private static double[][] ToDoubles<T>(T?[]?[] rows, Func<T, double> convert) where T : struct =>
        rows.Select(r => r?.Select(v => v.HasValue ? convert(v.Value) : double.NaN).ToArray() ?? []).ToArray();

    private DataField Scalar(string name) =>
        _fields.TryGetValue(name, out var field) && field is DataField data
            ? data
            : throw new InvalidDataException($"Signal file has no column '{name}'");

    public ValueTask DisposeAsync() => _reader.DisposeAsync();
}
