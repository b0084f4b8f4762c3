using System.Runtime.InteropServices;
using Refinery.Contracts;
using Refinery.Contracts.Dedup;
using Refinery.Dedup.Domain;
using Refinery.Hosting.Bus;
using Refinery.Quality.Formats;
using Refinery.Storage;
using Refinery.Text.Dedup;

namespace Refinery.Dedup.Pipeline;

/// <summary>Merges the results of every partition of a job by union-find and writes the clusters:
/// <c>dedup/{corpus}/{config}/clusters.parquet</c> with one row per document that is in a cluster of two or more, is a
/// copy a Bloom filter saw before, or has the text of a document of a corpus deduplicated before. Columns: id, id_int,
/// cluster_id (the smallest id_int, as RPv2), kind ("exact" when another member or an earlier corpus has the same
/// normalised text, else "near"), keep (one member per cluster, chosen by the job's policy among those no earlier
/// corpus had), earlier_id_int (the earlier corpus's document, or null).</summary>
public sealed class ClusterMerger(IObjectStore store)
{
    public async Task<DedupJob> MergeAsync(DedupJob job, IReadOnlyList<DedupShard> hashed, IReadOnlyList<DedupPartition> partitions,
        DateTime now, CancellationToken ct)
    {
        var ids = new List<string>();
        var idInts = new List<ulong>();
        await foreach (var row in JobShards.ReadAsync(store, JobShards.Of(job), PartitionLinker.Layout(job.Threshold).ColumnName, ct))
        {
            ids.Add(row.Id);
            idInts.Add(row.IdInt);
        }
        var n = ids.Count;
        var texts = hashed.Count == 0 ? null : (await ShardHasher.ReadAllAsync(store, hashed, ct)).SelectMany(s => s).ToArray();
        if (texts is not null)
            for (var i = 0; i < n; i++)
                if (i >= texts.Length || texts[i].IdInt != idInts[i])
                    throw new InvalidDataException($"job {job.Id}: the text keys do not line up with the signal shards at document {ids[i]} (number {i})");

        var components = new UnionFind(idInts);
        var earlier = new ulong?[n];
        var copies = new bool[n];
        foreach (var partition in partitions)
        {
            using var bytes = await store.ReadVerifiedAsync(new ObjectRef
                { Bucket = store.Bucket, Key = partition.Key, Sha256 = partition.Sha256, Length = partition.Length }, ct);
            var result = PartitionResult.Parse(bytes.GetBuffer().AsSpan(0, (int)bytes.Length), n, partition.Key);
            for (var e = 0; e < result.Edges.Count; e += 2) components.Union(result.Edges[e], result.Edges[e + 1]);
            for (var e = 0; e < result.EarlierDocuments.Count; e++) earlier[result.EarlierDocuments[e]] = result.EarlierIdInts[e];
            foreach (var copy in result.Copies) copies[copy] = true;
        }
        var exact = texts is not null && job.Exact != ExactMode.None;
        if (exact)
        {
            // Only the first document with a key was looked up in the index; its copies share its earlier document.
            var earlierByKey = new Dictionary<UInt128, ulong>();
            for (var i = 0; i < n; i++)
                if (earlier[i] is { } e && texts![i].Key != ExactKeys.None) earlierByKey.TryAdd(texts[i].Key, e);
            for (var i = 0; i < n; i++)
                if (earlierByKey.TryGetValue(texts![i].Key, out var e)) earlier[i] = e;
        }

        var rule = new KeepRule(job.Keep);
        var values = rule.ReadsSignal ? await KeepValues.ReadAsync(store, JobShards.Of(job), job.Keep.Signal!, ct) : null;
        var chosen = rule.Choose(components, i => copies[i] || earlier[i] is not null, rule.ReadsLengths ? texts!.Select(t => t.Length).ToArray() : null, values);

        var (labels, counts) = ClusterLabels.Of(components, exact ? i => texts![i].Key : null, copies, earlier, chosen);

        using var output = new MemoryStream();
        await ClustersFile.WriteAsync(output, labels.Select(l =>
            new ClusterRow(ids[l.Document], idInts[l.Document], l.ClusterId, l.Exact ? "exact" : "near", l.Keep, l.EarlierIdInt)).ToArray(), ct);
        output.Position = 0;
        var stored = await store.PutAsync(DedupKeys.Clusters(job.Corpus, job.Config), output, ct);
        job.ClustersKey = stored.Key;
        job.ClustersSha256 = stored.Sha256;
        job.ClustersLength = stored.Length;
        job.Documents = n;
        job.ClusteredDocuments = counts.Clustered;
        job.ClusterCount = counts.Clusters;
        job.Removed = counts.Removed;
        job.ExactDuplicates = counts.ExactDuplicates;
        job.EarlierCorpusDuplicates = counts.EarlierCorpusDuplicates;
        job.FinishedAt = now;
        return job;
    }
}
