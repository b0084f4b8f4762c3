using System.Runtime.CompilerServices;
using Parquet;
using Parquet.Schema;

namespace Refinery.Quality.Formats;

/// <summary>One document's LSH bands for one threshold, as RPv2 stores them: <c>signature_sim{t}</c> is a list of
/// bands, each the rows as big-endian uint32s; null for documents under 13 words.</summary>
public sealed record MinHashBandsRow(string Id, ulong IdInt, ReadOnlyMemory<byte>[]? Bands);

/// <summary>Reads id, id_int and one <c>signature_sim{t}</c> column from any Parquet file in RPv2's minhash layout:
/// RedPajama-V2's published <c>*.minhash.parquet</c> files and Refinery's signal shards (`refinery signals --format
/// parquet`, `signals/{corpus}/…parquet`) alike.</summary>
public static class MinHashParquetReader
{
    public static async IAsyncEnumerable<MinHashBandsRow> ReadAsync(Stream input, string column,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var reader = await ParquetReader.CreateAsync(input, new ParquetOptions(), true, ct).ConfigureAwait(false);
        var fields = reader.Schema.Fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var id = fields.GetValueOrDefault("id") as DataField ?? throw new InvalidDataException("no string column 'id'");
        var idInt = fields.GetValueOrDefault("id_int") as DataField ?? throw new InvalidDataException("no uint64 column 'id_int'");
        var leaf = fields.GetValueOrDefault(column) is ListField { Item: DataField item } ? item
            : throw new InvalidDataException($"no list<binary> column '{column}' (columns: {string.Join(", ", fields.Keys)})");
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var n = checked((int)group.RowCount);
            var ids = new string[n];
            await group.ReadAsync(id, ids, null, ct).ConfigureAwait(false);
            var idInts = await ReadIdIntsAsync(group, idInt, n, ct).ConfigureAwait(false);
            var lists = await ListLevels<ReadOnlyMemory<byte>>.ReadAsync(group, leaf, n, ct).ConfigureAwait(false);
            for (var i = 0; i < n; i++)
            {
                var bands = lists[i]?.Select(b => b ?? throw new InvalidDataException($"document {ids[i]}: a null band in '{column}'")).ToArray();
                yield return new MinHashBandsRow(ids[i], idInts[i], bands);
            }
        }
    }

    /// <summary>id_int is uint64 in RPv2's files and Refinery's; an int64 column is read as its bits.</summary>
    private static async Task<ulong[]> ReadIdIntsAsync(ParquetRowGroupReader group, DataField field, int n, CancellationToken ct)
    {
        if (field.ClrType == typeof(long))
        {
            var signed = new long[n];
            await group.ReadAsync<long>(field, signed, null, ct).ConfigureAwait(false);
            return signed.Select(v => unchecked((ulong)v)).ToArray();
        }
        var values = new ulong[n];
        await group.ReadAsync<ulong>(field, values, null, ct).ConfigureAwait(false);
        return values;
    }
}
