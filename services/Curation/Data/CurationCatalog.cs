using Microsoft.EntityFrameworkCore;
using Refinery.Curation.Domain;
using Refinery.Hosting.Bus;
using Refinery.Hosting.Data;

namespace Refinery.Curation.Data;

/// <summary>Jobs and parts by their business keys; every write is idempotent, so a redelivered message changes nothing.</summary>
public sealed class CurationCatalog(CurationDbContext db)
{
    public Task<DatasetJob?> FindJobAsync(Guid id, CancellationToken ct) => db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id, ct);

    /// <summary>The job a work item names; a work item for no job can never succeed.</summary>
    public async Task<DatasetJob> RequireJobAsync(Guid id, CancellationToken ct) =>
        await FindJobAsync(id, ct) ?? throw new PermanentFailureException($"no dataset job {id}");

    /// <summary>Records the job unless it exists; returns the stored row either way.</summary>
    public Task<DatasetJob> AddJobAsync(DatasetJob job, CancellationToken ct) => db.AddOrGetAsync(job, c => FindJobAsync(job.Id, c), ct);

    public Task<DatasetJob?> FindVersionAsync(string dataset, string version, CancellationToken ct) =>
        db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Dataset == dataset && j.Version == version, ct);

    public Task<List<DatasetPart>> PartsAsync(Guid jobId, CancellationToken ct) =>
        db.Parts.AsNoTracking().Where(p => p.JobId == jobId).OrderBy(p => p.Part).ToListAsync(ct);

    public Task UpsertPartAsync(DatasetPart row, CancellationToken ct) => db.UpsertAsync(row, c =>
        db.Parts.Where(p => p.JobId == row.JobId && p.Part == row.Part).ExecuteUpdateAsync(s => s.SetProperty(p => p.StatsJson, row.StatsJson), c), ct);

    public Task UpsertRankingAsync(DatasetRanking row, CancellationToken ct) => db.UpsertAsync(row, c =>
        db.Rankings.Where(r => r.JobId == row.JobId && r.Round == row.Round && r.Part == row.Part)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.FilesJson, row.FilesJson), c), ct);

    public Task<List<DatasetRanking>> RankingsAsync(Guid jobId, int round, CancellationToken ct) =>
        db.Rankings.AsNoTracking().Where(r => r.JobId == jobId && r.Round == round).OrderBy(r => r.Part).ToListAsync(ct);

    /// <summary>Records a finished ranking round, unless another process recorded one since <paramref name="before"/>
    /// was read; true for the one caller that changed it, so only that one goes on.</summary>
    public async Task<bool> RecordQuantilesAsync(Guid jobId, string before, string after, CancellationToken ct) =>
        await db.Jobs.Where(j => j.Id == jobId && j.QuantilesJson == before)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.QuantilesJson, after), ct) == 1;

    /// <summary>Records the version as done; true for the one caller that changed it, so only that one announces it.</summary>
    public async Task<bool> FinishJobAsync(DatasetJob done, CancellationToken ct) =>
        await db.Jobs.Where(j => j.Id == done.Id && j.Status != DatasetJobStatus.Done).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Status, DatasetJobStatus.Done)
            .SetProperty(j => j.ManifestKey, done.ManifestKey)
            .SetProperty(j => j.ManifestSha256, done.ManifestSha256)
            .SetProperty(j => j.ManifestLength, done.ManifestLength)
            .SetProperty(j => j.Documents, done.Documents)
            .SetProperty(j => j.KeptDocuments, done.KeptDocuments)
            .SetProperty(j => j.Tokens, done.Tokens)
            .SetProperty(j => j.ValidationTokens, done.ValidationTokens)
            .SetProperty(j => j.FinishedAt, done.FinishedAt), ct) == 1;
}
