using System.Runtime.InteropServices;
using Refinery.Dedup.Domain;
using Refinery.Storage;
using Refinery.Text.Dedup;
using Refinery.Text.MinHash;

namespace Refinery.Dedup.Pipeline;

/// <summary>Links one key partition of a job: reads the bands of every shard, keeps the band records whose key falls in
/// the partition, links each bucket's members, and writes the resulting edges (document → its component's
/// representative, as pairs of little-endian int32 global document numbers) to the partition's object.</summary>
public sealed class PartitionLinker(IObjectStore store)
{
    public async Task<DedupPartition> LinkAsync(DedupJob job, int partition, CancellationToken ct)
    {
        var layout = Layout(job.Threshold);
        var records = new List<BandRecord>();
        var scratch = new BandRecord[layout.Bands];
        var documents = 0;
        await foreach (var row in JobShards.ReadAsync(store, JobShards.Of(job), layout.ColumnName, ct))
        {
            var document = documents++;
            if (row.Bands is not { } bands) continue;
            if (bands.Length != layout.Bands) throw new InvalidDataException($"document {row.Id}: {bands.Length} bands in {layout.ColumnName}, expected {layout.Bands}");
            for (var b = 0; b < bands.Length; b++)
            {
                scratch[b] = BandRecord.FromBandBytes(document, b, bands[b].Span);
                if (BandRecord.PartitionOf(scratch[b].Key, job.Partitions) == partition) records.Add(scratch[b]);
            }
        }
        var components = new UnionFind(new ulong[documents]);
        LshClustering.Link(CollectionsMarshal.AsSpan(records), components);
        var edges = new List<int>();
        for (var d = 0; d < documents; d++)
        {
            var root = components.Find(d);
            if (root == d) continue;
            edges.Add(d);
            edges.Add(root);
        }
        var bytes = new MemoryStream(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(edges)).ToArray());
        var stored = await store.PutAsync(DedupKeys.Edges(job.Corpus, job.Config, partition), bytes, ct);
        return new DedupPartition
        {
            JobId = job.Id, Partition = partition, Key = stored.Key, Sha256 = stored.Sha256, Length = stored.Length, Edges = edges.Count / 2,
        };
    }

    /// <summary>RPv2's band layout for the threshold; the signal shards store exactly these four.</summary>
    public static BandLayout Layout(double threshold) =>
        MinHashBands.RpV2For(threshold)
        ?? throw new ArgumentOutOfRangeException(nameof(threshold), threshold,
            $"signal shards hold bands for thresholds {string.Join(", ", MinHashBands.RpV2.Select(l => l.Threshold))} only");
}
