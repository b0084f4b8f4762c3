using Microsoft.Extensions.Logging;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Jobs;
using Refinery.Hosting.Jobs;
using Refinery.Signals.Data;
using Refinery.Storage;

namespace Refinery.Signals.Consumers;

/// <summary>The progress of a corpus's signals (one job per configuration, <see cref="JobIds.Signals"/>) in the one
/// progress event: step "shards", the corpus's shards with signals so far, out of its shard count once known.</summary>
public sealed class SignalsProgress(SignalShardCatalog catalog, IObjectStore store, ILogger<SignalsProgress> logger)
{
    public const string Step = "shards";

    /// <summary>Read after <paramref name="shard"/>'s signals are recorded, so the count includes it.</summary>
    public async Task<JobProgressed> OfAsync(CorpusShardIngested shard, string config, CancellationToken ct)
    {
        var at = DateTimeOffset.UtcNow; // before the count is read (JobProgressed.At): the later stamp is the larger count
        var total = await TotalAsync(shard, ct);
        var done = await catalog.CountAsync(shard.CorpusId, config, total > 0 ? total : int.MaxValue, ct);
        return new JobName(JobServices.Signals, JobIds.Signals(shard.Corpus, config), shard.CorpusId).Progressed(Step, done, total, at: at);
    }

    /// <summary>How many shards the shard's ingestion run cut; 0 while the run goes on. A shard event cannot say: shards
    /// are cut by document count as the sources are read, so only the ingestion's word at the end of its run
    /// (<c>ingestion/{corpus}.json</c>) knows. A shard of another run than the one that word is about gets 0 too.</summary>
    private async Task<int> TotalAsync(CorpusShardIngested shard, CancellationToken ct)
    {
        try
        {
            var state = await CorpusObjects.IngestionAsync(store, shard.Corpus, ct);
            return state is { Stage: CorpusIngestionStage.Ingested } && state.Generation == shard.Generation ? state.ShardCount : 0;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // Progress is a report, not the work: a word that cannot be read must not fail a shard whose signals are written.
            logger.LogWarning(ex, "Could not read the ingestion state of {Corpus}; its signals progress has no total", shard.Corpus);
            return 0;
        }
    }
}
