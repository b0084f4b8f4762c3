using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Refinery.Contracts.Dedup;
using Refinery.Contracts.Options;
using Refinery.Dedup.Domain;
using Refinery.Hosting.Bus;
using Refinery.Storage;
using Refinery.Text.Dedup;
using Refinery.Text.MinHash;

namespace Refinery.Dedup.Pipeline;

/// <summary>Links one partition of a job in two steps. <see cref="LinkAsync"/> reads the bands of every signal shard,
/// keeps the band records whose key falls in the partition and links each bucket's members; with exact dedup it also
/// reads every shard's text keys, keeps those whose index partition the job partition owns, and links each copy to
/// the first document with its key (or, in Bloom mode, marks the documents the partition's filter saw before).
/// <see cref="CompleteAsync"/> then looks the first occurrences up in the persistent index at the versions the caller
/// read, and writes the result and the index partitions' next versions for the caller to commit.</summary>
public sealed class PartitionLinker(IObjectStore store, StoredExactIndex index)
{
    /// <summary>A document's key that goes to the index: looked up, and added when new.</summary>
    public readonly record struct IndexKey(int Document, UInt128 Key, ulong IdInt);

    /// <summary>What a partition found on its own, and the keys it owes each index partition.</summary>
    public sealed record Linked(List<int> Edges, List<int> Copies, SortedDictionary<int, List<IndexKey>> IndexKeys);

    public async Task<Linked> LinkAsync(DedupJob job, int partition, IReadOnlyList<DedupShard> hashed, CancellationToken ct)
    {
        var layout = Layout(job.Threshold);
        var records = new List<BandRecord>();
        var documents = 0;
        await foreach (var row in JobShards.ReadAsync(store, JobShards.Of(job), layout.ColumnName, ct))
        {
            var document = documents++;
            if (row.Bands is not { } bands) continue;
            if (bands.Length != layout.Bands) throw new InvalidDataException($"document {row.Id}: {bands.Length} bands in {layout.ColumnName}, expected {layout.Bands}");
            for (var b = 0; b < bands.Length; b++)
            {
                var record = BandRecord.FromBandBytes(document, b, bands[b].Span);
                if (BandRecord.PartitionOf(record.Key, job.Partitions) == partition) records.Add(record);
            }
        }
        var components = new UnionFind(new ulong[documents]);
        if (job.Verify)
        {
            var shingles = await CandidateShinglesAsync(records, hashed, documents, ct);
            LshClustering.Link(CollectionsMarshal.AsSpan(records), components,
                (a, b) => ShingleSet.Jaccard(shingles[a], shingles[b]), job.Threshold);
        }
        else
        {
            LshClustering.Link(CollectionsMarshal.AsSpan(records), components);
        }
        records = null;

        var copies = new List<int>();
        var indexKeys = new SortedDictionary<int, List<IndexKey>>();
        if (job.Exact != ExactMode.None)
            await LinkExactAsync(job, partition, hashed, documents, components, copies, indexKeys, ct);
        var edges = new List<int>();
        for (var d = 0; d < documents; d++)
        {
            var root = components.Find(d);
            if (root == d) continue;
            edges.Add(d);
            edges.Add(root);
        }
        return new Linked(edges, copies, indexKeys);
    }

    /// <summary>The shingle sets of the documents that share a bucket with another in this partition (sorting the
    /// records as linking will): only candidates are held in memory, read from every shard's shingles file.</summary>
    private async Task<Dictionary<int, ShingleSet>> CandidateShinglesAsync(List<BandRecord> records, IReadOnlyList<DedupShard> hashed,
        int documents, CancellationToken ct)
    {
        var span = CollectionsMarshal.AsSpan(records);
        span.Sort();
        var candidate = new bool[documents];
        for (var i = 1; i < span.Length; i++)
            if (span[i].Band == span[i - 1].Band && span[i].Key == span[i - 1].Key)
                candidate[span[i].Document] = candidate[span[i - 1].Document] = true;
        var sets = new Dictionary<int, ShingleSet>();
        var first = 0;
        foreach (var shard in hashed)
        {
            if (shard.ShinglesKey is null) throw new InvalidDataException($"shard {shard.Shard} of job {shard.JobId} was hashed without shingles");
            using var bytes = await store.ReadVerifiedAsync(new Contracts.ObjectRef
                { Bucket = store.Bucket, Key = shard.ShinglesKey, Sha256 = shard.ShinglesSha256!, Length = shard.ShinglesLength }, ct);
            ShingleFile.Read(bytes.GetBuffer().AsSpan(0, (int)bytes.Length), first, (int)shard.Documents, d => d < documents && candidate[d], sets,
                shard.ShinglesKey);
            first += (int)shard.Documents;
        }
        if (first != documents) throw new InvalidDataException($"the shingles files hold {first} documents, the signal shards {documents}");
        return sets;
    }

    private async Task LinkExactAsync(DedupJob job, int partition, IReadOnlyList<DedupShard> hashed, int documents, UnionFind components,
        List<int> copies, SortedDictionary<int, List<IndexKey>> indexKeys, CancellationToken ct)
    {
        var shards = await ShardHasher.ReadAllAsync(store, hashed, ct);
        if (shards.Sum(s => s.Length) != documents)
            throw new InvalidDataException($"job {job.Id}: the text keys hold {shards.Sum(s => s.Length)} documents, the signal shards {documents}");
        bool Owned(UInt128 key) => StoredExactIndex.OwnerOf(StoredExactIndex.PartitionOf(key), job.Partitions) == partition;
        var bloom = job.Exact == ExactMode.Bloom
            ? new BloomFilter(Math.Max(1, shards.Sum(s => s.Count(r => Owned(r.Key)))), job.FalsePositiveRate)
            : null;
        var first = bloom is null ? new Dictionary<UInt128, int>() : null;
        var document = 0;
        foreach (var shard in shards)
            foreach (var record in shard)
            {
                var current = document++;
                if (record.Key == ExactKeys.None || !Owned(record.Key)) continue;
                if (bloom?.Add(record.Key) == true)
                {
                    copies.Add(current);
                    continue;
                }
                if (first is not null && first.TryGetValue(record.Key, out var earlier))
                {
                    components.Union(earlier, current);
                    continue;
                }
                first?.Add(record.Key, current);
                var indexPartition = StoredExactIndex.PartitionOf(record.Key);
                if (!indexKeys.TryGetValue(indexPartition, out var list)) indexKeys[indexPartition] = list = [];
                list.Add(new IndexKey(current, record.Key, record.IdInt));
            }
    }

    /// <summary>Looks the partition's keys up in the index partitions as <paramref name="current"/> has them, and
    /// writes the partition's result and, where it has fresh keys, each index partition's next version. Nothing is
    /// recorded: the caller commits the returned row and versions together, or reads again and calls this again.</summary>
    public async Task<(DedupPartition Row, List<(long ReadVersion, ExactIndexPartition Next)> Index)> CompleteAsync(DedupJob job, int partition,
        Linked linked, IReadOnlyDictionary<int, ExactIndexPartition> current, CancellationToken ct)
    {
        var result = new PartitionResult();
        result.Edges.AddRange(linked.Edges);
        result.Copies.AddRange(linked.Copies);
        var source = StoredExactIndex.SourceOf(job.CorpusId);
        var next = new List<(long, ExactIndexPartition)>();
        foreach (var (indexPartition, keys) in linked.IndexKeys)
        {
            var row = current.GetValueOrDefault(indexPartition);
            var old = await index.LoadAsync(row, ct);
            var known = new Dictionary<UInt128, ExactIndexEntry>(old.Length);
            foreach (var entry in old) known.TryAdd(entry.Key, entry);
            var fresh = new List<ExactIndexEntry>();
            foreach (var key in keys)
            {
                if (!known.TryGetValue(key.Key, out var entry))
                {
                    fresh.Add(new ExactIndexEntry(key.Key, key.IdInt, source));
                    continue;
                }
                if (entry.Source == source) continue; // this corpus put it there: a rerun must not find itself
                result.EarlierDocuments.Add(key.Document);
                result.EarlierIdInts.Add(entry.IdInt);
            }
            if (fresh.Count > 0) next.Add((row?.Version ?? 0, await index.WriteAsync(OptionValues<ExactKeyKind>.NameOf(job.ExactKey), indexPartition, row, old, fresh, ct)));
        }

        var bytes = result.ToBytes();
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var stored = await store.PutAsync(DedupKeys.Edges(job.Corpus, job.Config, partition, sha256), new MemoryStream(bytes), ct);
        return (new DedupPartition
        {
            JobId = job.Id, Partition = partition, Key = stored.Key, Sha256 = stored.Sha256, Length = stored.Length, Edges = result.Edges.Count / 2,
        }, next);
    }

    /// <summary>RPv2's band layout for the threshold; the signal shards store exactly these four.</summary>
    public static BandLayout Layout(double threshold) =>
        MinHashBands.RpV2For(threshold)
        ?? throw new ArgumentOutOfRangeException(nameof(threshold), threshold,
            $"signal shards hold bands for thresholds {string.Join(", ", MinHashBands.RpV2.Select(l => l.Threshold))} only");
}
