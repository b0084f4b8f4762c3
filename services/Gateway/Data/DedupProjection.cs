using Microsoft.EntityFrameworkCore;
using Refinery.Contracts.Dedup;
using Refinery.Contracts.Ingestion;
using Refinery.Gateway.Domain;
using Refinery.Hosting.Data;

namespace Refinery.Gateway.Data;

/// <summary>Applies dedup requests, <see cref="CorpusDeduplicated"/> and <see cref="CorpusDeduplicationFailed"/> to
/// the dedup read model, one row per corpus and configuration tag. A request moves the row back to requested (the
/// corpus may have new shards); the event or the fault then settles it.</summary>
public sealed class DedupProjection(GatewayDbContext db, TimeProvider clock)
{
    private const int MaxErrorLength = 4000, MaxStepLength = 128;

    public Task RequestedAsync(DeduplicateCorpus request, CancellationToken ct)
    {
        var row = new DedupView
        {
            CorpusId = CorpusNames.IdOf(request.Corpus), Config = DedupOutputs.Config(request), Corpus = request.Corpus,
            Stage = DedupStages.Requested, Threshold = request.Threshold, UpdatedAt = Now(),
        };
        return db.UpsertAsync(row, c => db.Dedups.Where(d => d.CorpusId == row.CorpusId && d.Config == row.Config).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Stage, DedupStages.Requested)
            .SetProperty(d => d.Error, (string?)null)
            .SetProperty(d => d.FailedStep, (string?)null)
            .SetProperty(d => d.UpdatedAt, row.UpdatedAt), c), ct);
    }

    public Task DeduplicatedAsync(CorpusDeduplicated e, CancellationToken ct)
    {
        var row = new DedupView
        {
            CorpusId = e.CorpusId, Config = e.Config, Corpus = e.Corpus, Stage = DedupStages.Done, Threshold = e.Threshold,
            ClustersKey = e.Clusters.Key, ClustersSha256 = e.Clusters.Sha256, ClustersLength = e.Clusters.Length, Documents = e.Documents,
            ClusteredDocuments = e.ClusteredDocuments, ClusterCount = e.ClusterCount, Removed = e.Removed, ExactDuplicates = e.ExactDuplicates,
            EarlierCorpusDuplicates = e.EarlierCorpusDuplicates, UpdatedAt = Now(),
        };
        return db.UpsertAsync(row, c => db.Dedups.Where(d => d.CorpusId == row.CorpusId && d.Config == row.Config).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Stage, DedupStages.Done)
            .SetProperty(d => d.Threshold, row.Threshold)
            .SetProperty(d => d.ClustersKey, row.ClustersKey)
            .SetProperty(d => d.ClustersSha256, row.ClustersSha256)
            .SetProperty(d => d.ClustersLength, row.ClustersLength)
            .SetProperty(d => d.Documents, row.Documents)
            .SetProperty(d => d.ClusteredDocuments, row.ClusteredDocuments)
            .SetProperty(d => d.ClusterCount, row.ClusterCount)
            .SetProperty(d => d.Removed, row.Removed)
            .SetProperty(d => d.ExactDuplicates, row.ExactDuplicates)
            .SetProperty(d => d.EarlierCorpusDuplicates, row.EarlierCorpusDuplicates)
            .SetProperty(d => d.Error, (string?)null)
            .SetProperty(d => d.FailedStep, (string?)null)
            .SetProperty(d => d.UpdatedAt, row.UpdatedAt), c), ct);
    }

    /// <summary>A request whose command never reached the bus: the row the request set to requested fails.</summary>
    public Task SendFailedAsync(DeduplicateCorpus request, string reason, CancellationToken ct) =>
        FailAsync(CorpusNames.IdOf(request.Corpus), DedupOutputs.Config(request), "send", reason, ct);

    /// <summary>A request the dedup service gave up on; a row already done stays done (the failure may be of a rerun).</summary>
    public Task FailedAsync(CorpusDeduplicationFailed e, CancellationToken ct) => FailAsync(e.CorpusId, e.Config, e.Step, e.Reason, ct);

    private async Task FailAsync(Guid id, string config, string step, string reason, CancellationToken ct)
    {
        if (reason.Length > MaxErrorLength) reason = reason[..MaxErrorLength];
        if (step.Length > MaxStepLength) step = step[..MaxStepLength];
        await db.Dedups.Where(d => d.CorpusId == id && d.Config == config && d.Stage == DedupStages.Requested).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Stage, DedupStages.Failed)
            .SetProperty(d => d.Error, reason)
            .SetProperty(d => d.FailedStep, step)
            .SetProperty(d => d.UpdatedAt, Now()), ct);
    }

    public Task<List<DedupView>> ListAsync(Guid corpusId, CancellationToken ct) =>
        db.Dedups.AsNoTracking().Where(d => d.CorpusId == corpusId).OrderBy(d => d.Config).ToListAsync(ct);

    public Task<DedupView?> FindAsync(Guid corpusId, string config, CancellationToken ct) =>
        db.Dedups.AsNoTracking().SingleOrDefaultAsync(d => d.CorpusId == corpusId && d.Config == config, ct);

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;
}
