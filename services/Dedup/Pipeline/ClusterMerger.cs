using System.Runtime.InteropServices;
using Parquet;
using Parquet.Schema;
using Refinery.Contracts;
using Refinery.Contracts.Dedup;
using Refinery.Dedup.Domain;
using Refinery.Storage;
using Refinery.Text.Dedup;

namespace Refinery.Dedup.Pipeline;

/// <summary>Merges the edges of every partition of a job by union-find and writes the clusters:
/// <c>dedup/{corpus}/{config}/clusters.parquet</c> with one row per document in a cluster of two or more (id, id_int,
/// cluster_id = the smallest id_int, as RPv2; kind; keep = the first member in shard order).</summary>
public sealed class ClusterMerger(IObjectStore store)
{
    private static readonly DataField<string> IdField = new("id", false);
    private static readonly DataField<ulong> IdIntField = new("id_int");
    private static readonly DataField<ulong> ClusterIdField = new("cluster_id");
    private static readonly DataField<string> KindField = new("kind", false);
    private static readonly DataField<bool> KeepField = new("keep");
    private static readonly ParquetSchema Schema = new(IdField, IdIntField, ClusterIdField, KindField, KeepField);

    /// <summary>One row of a clusters file.</summary>
    public sealed record ClusterRow(string Id, ulong IdInt, ulong ClusterId, string Kind, bool Keep);

    /// <summary>Reads a clusters file written by <see cref="MergeAsync"/> (the stream must be seekable).</summary>
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
            for (var i = 0; i < n; i++) rows.Add(new ClusterRow(ids[i], idInts[i], clusters[i], kinds[i], keep[i]));
        }
        return rows;
    }

    public async Task<DedupJob> MergeAsync(DedupJob job, IReadOnlyList<DedupPartition> partitions, DateTime now, CancellationToken ct)
    {
        var ids = new List<string>();
        var idInts = new List<ulong>();
        await foreach (var row in JobShards.ReadAsync(store, JobShards.Of(job), PartitionLinker.Layout(job.Threshold).ColumnName, ct))
        {
            ids.Add(row.Id);
            idInts.Add(row.IdInt);
        }
        var components = new UnionFind(idInts);
        foreach (var partition in partitions)
        {
            using var bytes = await JobShards.VerifiedAsync(store, new ObjectRef
                { Bucket = store.Bucket, Key = partition.Key, Sha256 = partition.Sha256, Length = partition.Length }, ct);
            var edges = MemoryMarshal.Cast<byte, int>(bytes.GetBuffer().AsSpan(0, (int)bytes.Length));
            for (var e = 0; e + 1 < edges.Length; e += 2)
            {
                if ((uint)edges[e] >= ids.Count || (uint)edges[e + 1] >= ids.Count)
                    throw new InvalidDataException($"{partition.Key}: document {Math.Max(edges[e], edges[e + 1])} beyond the job's {ids.Count}");
                components.Union(edges[e], edges[e + 1]);
            }
        }

        var members = Enumerable.Range(0, ids.Count).Where(i => components.SizeOf(i) > 1).ToArray();
        var kept = new HashSet<int>();
        var keep = members.Select(i => kept.Add(components.Find(i))).ToArray(); // the first member of each cluster
        using var output = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(Schema, output, new ParquetOptions { CompressionMethod = CompressionMethod.Zstd }, cancellationToken: ct))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(IdField, members.Select(i => ids[i]).ToArray(), null);
            await group.WriteAsync<ulong>(IdIntField, members.Select(i => idInts[i]).ToArray(), cancellationToken: ct);
            await group.WriteAsync<ulong>(ClusterIdField, members.Select(components.MinKeyOf).ToArray(), cancellationToken: ct);
            await group.WriteAsync(KindField, members.Select(_ => "near").ToArray(), null);
            await group.WriteAsync<bool>(KeepField, keep, cancellationToken: ct);
        }
        output.Position = 0;
        var stored = await store.PutAsync(DedupOutputs.ClustersKey(job.Corpus, job.Config), output, ct);
        job.Status = DedupJobStatus.Done;
        job.ClustersKey = stored.Key;
        job.ClustersSha256 = stored.Sha256;
        job.ClustersLength = stored.Length;
        job.Documents = ids.Count;
        job.ClusteredDocuments = members.Length;
        job.ClusterCount = kept.Count;
        job.Removed = members.Length - kept.Count;
        job.FinishedAt = now;
        return job;
    }
}
