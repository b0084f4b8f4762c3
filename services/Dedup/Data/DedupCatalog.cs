using Microsoft.EntityFrameworkCore;
using Refinery.Dedup.Domain;
using Refinery.Hosting.Data;

namespace Refinery.Dedup.Data;

/// <summary>Jobs and partitions by their business keys. Every write is an idempotent upsert: two processes handling
/// the same (redelivered or duplicated) message write the same deterministic values.</summary>
public sealed class DedupCatalog(DedupDbContext db)
{
    public Task<DedupJob?> FindJobAsync(Guid id, CancellationToken ct) => db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id, ct);

    /// <summary>Records the job unless it exists; returns the stored row either way.</summary>
    public async Task<DedupJob> AddJobAsync(DedupJob job, CancellationToken ct)
    {
        try
        {
            if (await FindJobAsync(job.Id, ct) is { } existing) return existing;
            db.Jobs.Add(job);
            try
            {
                await db.SaveChangesAsync(ct);
                return job;
            }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear();
                return await FindJobAsync(job.Id, ct) ?? throw new InvalidOperationException($"dedup job {job.Id} could not be recorded");
            }
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    public async Task FinishJobAsync(DedupJob done, CancellationToken ct) =>
        await db.Jobs.Where(j => j.Id == done.Id).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Status, DedupJobStatus.Done)
            .SetProperty(j => j.ClustersKey, done.ClustersKey)
            .SetProperty(j => j.ClustersSha256, done.ClustersSha256)
            .SetProperty(j => j.ClustersLength, done.ClustersLength)
            .SetProperty(j => j.Documents, done.Documents)
            .SetProperty(j => j.ClusteredDocuments, done.ClusteredDocuments)
            .SetProperty(j => j.ClusterCount, done.ClusterCount)
            .SetProperty(j => j.Removed, done.Removed)
            .SetProperty(j => j.FinishedAt, done.FinishedAt), ct);

    public Task<List<DedupPartition>> PartitionsAsync(Guid jobId, CancellationToken ct) =>
        db.Partitions.AsNoTracking().Where(p => p.JobId == jobId).OrderBy(p => p.Partition).ToListAsync(ct);

    public Task UpsertPartitionAsync(DedupPartition row, CancellationToken ct) => db.UpsertAsync(row, c => UpdateAsync(row, c), ct);

    private Task<int> UpdateAsync(DedupPartition row, CancellationToken ct) =>
        db.Partitions.Where(p => p.JobId == row.JobId && p.Partition == row.Partition).ExecuteUpdateAsync(s => s
            .SetProperty(p => p.Key, row.Key)
            .SetProperty(p => p.Sha256, row.Sha256)
            .SetProperty(p => p.Length, row.Length)
            .SetProperty(p => p.Edges, row.Edges), ct);
}
