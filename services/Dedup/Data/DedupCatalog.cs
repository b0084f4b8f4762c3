using Microsoft.EntityFrameworkCore;
using Refinery.Dedup.Domain;
using Refinery.Hosting.Data;

namespace Refinery.Dedup.Data;

/// <summary>Jobs, shards, partitions and index partitions by their business keys. Job, shard and partition writes are
/// idempotent upserts: two processes handling the same (redelivered or duplicated) message write the same
/// deterministic values. Index partitions change only by compare-and-swap on their version.</summary>
public sealed class DedupCatalog(DedupDbContext db)
{
    public Task<DedupJob?> FindJobAsync(Guid id, CancellationToken ct) => db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id, ct);

    /// <summary>Records the job unless it exists; returns the stored row either way.</summary>
    public Task<DedupJob> AddJobAsync(DedupJob job, CancellationToken ct) => db.AddOrGetAsync(job, c => FindJobAsync(job.Id, c), ct);

    /// <summary>Records the job as done; true for the one caller that changed it from working, so of two processes
    /// finishing at once only one announces it.</summary>
    public async Task<bool> FinishJobAsync(DedupJob done, CancellationToken ct) =>
        await db.Jobs.Where(j => j.Id == done.Id && j.Status != DedupJobStatus.Done).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Status, DedupJobStatus.Done)
            .SetProperty(j => j.ClustersKey, done.ClustersKey)
            .SetProperty(j => j.ClustersSha256, done.ClustersSha256)
            .SetProperty(j => j.ClustersLength, done.ClustersLength)
            .SetProperty(j => j.Documents, done.Documents)
            .SetProperty(j => j.ClusteredDocuments, done.ClusteredDocuments)
            .SetProperty(j => j.ClusterCount, done.ClusterCount)
            .SetProperty(j => j.Removed, done.Removed)
            .SetProperty(j => j.ExactDuplicates, done.ExactDuplicates)
            .SetProperty(j => j.EarlierCorpusDuplicates, done.EarlierCorpusDuplicates)
            .SetProperty(j => j.FinishedAt, done.FinishedAt), ct) == 1;

    /// <summary>Records that every shard of the job is hashed (working → linking); true for the one caller that changed
    /// it, so of two consumers hashing the last shards at once only one sends the partitions.</summary>
    public async Task<bool> StartLinkingAsync(Guid jobId, CancellationToken ct) =>
        await db.Jobs.Where(j => j.Id == jobId && j.Status == DedupJobStatus.Working)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, DedupJobStatus.Linking), ct) == 1;

    public Task<List<DedupShard>> ShardsAsync(Guid jobId, CancellationToken ct) =>
        db.Shards.AsNoTracking().Where(s => s.JobId == jobId).OrderBy(s => s.Shard).ToListAsync(ct);

    public Task UpsertShardAsync(DedupShard row, CancellationToken ct) => db.UpsertAsync(row, c =>
        db.Shards.Where(s => s.JobId == row.JobId && s.Shard == row.Shard).ExecuteUpdateAsync(s => s
            .SetProperty(x => x.Key, row.Key)
            .SetProperty(x => x.Sha256, row.Sha256)
            .SetProperty(x => x.Length, row.Length)
            .SetProperty(x => x.Documents, row.Documents)
            .SetProperty(x => x.ShinglesKey, row.ShinglesKey)
            .SetProperty(x => x.ShinglesSha256, row.ShinglesSha256)
            .SetProperty(x => x.ShinglesLength, row.ShinglesLength), c), ct);

    public Task<List<DedupPartition>> PartitionsAsync(Guid jobId, CancellationToken ct) =>
        db.Partitions.AsNoTracking().Where(p => p.JobId == jobId).OrderBy(p => p.Partition).ToListAsync(ct);

    public Task<bool> HasPartitionAsync(Guid jobId, int partition, CancellationToken ct) =>
        db.Partitions.AnyAsync(p => p.JobId == jobId && p.Partition == partition, ct);

    /// <summary>The current versions of the given index partitions (absent: never written).</summary>
    public async Task<Dictionary<int, ExactIndexPartition>> IndexPartitionsAsync(string kind, IReadOnlyCollection<int> partitions,
        CancellationToken ct) =>
        await db.IndexPartitions.AsNoTracking().Where(p => p.Kind == kind && partitions.Contains(p.Partition)).ToDictionaryAsync(p => p.Partition, ct);

    /// <summary>In one transaction: moves each index partition from the version it was read at to its new version,
    /// and records the job's partition. False, with nothing changed, when another writer moved an index partition
    /// first or recorded the job's partition: the caller reads again and retries (or finds its partition done).</summary>
    public async Task<bool> CommitPartitionAsync(DedupPartition row, IReadOnlyList<(long ReadVersion, ExactIndexPartition Next)> index,
        CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            foreach (var (readVersion, next) in index)
            {
                if (readVersion == 0)
                {
                    db.IndexPartitions.Add(next);
                    await db.SaveChangesAsync(ct);
                    continue;
                }
                var moved = await db.IndexPartitions.Where(p => p.Kind == next.Kind && p.Partition == next.Partition && p.Version == readVersion)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(p => p.Version, next.Version)
                        .SetProperty(p => p.Key, next.Key)
                        .SetProperty(p => p.Sha256, next.Sha256)
                        .SetProperty(p => p.Length, next.Length)
                        .SetProperty(p => p.Keys, next.Keys), ct);
                if (moved == 0) return false;
            }
            db.Partitions.Add(row);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            return false; // a concurrent insert of the same index partition or job partition; the transaction rolls back
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }
}
