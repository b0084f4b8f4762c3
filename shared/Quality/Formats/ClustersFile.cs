using Parquet;
using Parquet.Schema;

namespace Refinery.Quality.Formats;

/// <summary>One row of a clusters file: a document in a cluster of two or more, an exact copy a Bloom filter saw, or a
/// copy of a document of an earlier corpus.</summary>
public sealed record ClusterRow(string Id, ulong IdInt, ulong ClusterId, string Kind, bool Keep, ulong? EarlierIdInt);

/// <summary>The Dedup service's output, <c>dedup/{corpus}/{config}/clusters.parquet</c>: id, id_int, cluster_id (the
/// smallest id_int, as RPv2), kind ("exact" or "near"), keep, earlier_id_int. Written by Dedup, read by Curation and
/// the demo.</summary>
public static class ClustersFile
{
    private static readonly DataField<string> IdField = new("id", false);
    private static readonly DataField<ulong> IdIntField = new("id_int");
    private static readonly DataField<ulong> ClusterIdField = new("cluster_id");
    private static readonly DataField<string> KindField = new("kind", false);
    private static readonly DataField<bool> KeepField = new("keep");
    private static readonly DataField<ulong?> EarlierField = new("earlier_id_int");
    private static readonly ParquetSchema Schema = new(IdField, IdIntField, ClusterIdField, KindField, KeepField, EarlierField);

    public static async Task WriteAsync(Stream output, IReadOnlyList<ClusterRow> rows, CancellationToken ct = default)
    {
        await using var writer = await ParquetWriter.CreateAsync(Schema, output, new ParquetOptions { CompressionMethod = CompressionMethod.Zstd }, cancellationToken: ct);
        using var group = writer.CreateRowGroup();
        await group.WriteAsync(IdField, rows.Select(r => r.Id).ToArray(), null);
        await group.WriteAsync<ulong>(IdIntField, rows.Select(r => r.IdInt).ToArray(), cancellationToken: ct);
        await group.WriteAsync<ulong>(ClusterIdField, rows.Select(r => r.ClusterId).ToArray(), cancellationToken: ct);
        await group.WriteAsync(KindField, rows.Select(r => r.Kind).ToArray(), null);
        await group.WriteAsync<bool>(KeepField, rows.Select(r => r.Keep).ToArray(), cancellationToken: ct);
        await group.WriteAsync<ulong>(EarlierField, rows.Select(r => r.EarlierIdInt).ToArray(), cancellationToken: ct);
    }

    /// <summary>Reads a clusters file (the stream must be seekable).</summary>
    public static async Task<List<ClusterRow>> ReadAsync(Stream input, CancellationToken ct = default)
    {
        await using var reader = await ParquetReader.CreateAsync(input, cancellationToken: ct);
        var fields = reader.Schema.GetDataFields().ToDictionary(f => f.Name, StringComparer.Ordinal);
        DataField Field(DataField expected) => fields.GetValueOrDefault(expected.Name)
            ?? throw new InvalidDataException($"the clusters file has no column '{expected.Name}'");
        var rows = new List<ClusterRow>();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var n = checked((int)group.RowCount);
            var ids = new string[n];
            await group.ReadAsync(Field(IdField), ids, null, ct);
            var idInts = new ulong[n];
            await group.ReadAsync<ulong>(Field(IdIntField), idInts, null, ct);
            var clusters = new ulong[n];
            await group.ReadAsync<ulong>(Field(ClusterIdField), clusters, null, ct);
            var kinds = new string[n];
            await group.ReadAsync(Field(KindField), kinds, null, ct);
            var keep = new bool[n];
            await group.ReadAsync<bool>(Field(KeepField), keep, null, ct);
            var earlier = new ulong?[n];
            await group.ReadAsync<ulong>(Field(EarlierField), earlier, null, ct);
            for (var i = 0; i < n; i++) rows.Add(new ClusterRow(ids[i], idInts[i], clusters[i], kinds[i], keep[i], earlier[i]));
        }
        return rows;
    }
}
