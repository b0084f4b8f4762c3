using Microsoft.EntityFrameworkCore;
using Refinery.Contracts.Ingestion;
using Refinery.Hosting.Bus;
using Refinery.Storage;

namespace Refinery.Hosting.Jobs;

/// <summary>The check every reader of a corpus's shards shares before it lists them: a request that comes while the
/// corpus is still being ingested (posted at once with its ingestion) waits for <c>CorpusIngested</c> instead of
/// reading part of it, and one that comes after the ingestion failed is refused with the reason.</summary>
public static class CorpusIngestionWaits
{
    /// <summary>The corpus's ingestion run has ended (or its shards are there without the ingestion's word).</summary>
    public static JobWait ForIngestion(IObjectStore store, string corpus) =>
        new(JobWaitKeys.Ingested(CorpusNames.IdOf(corpus)), $"the ingestion of corpus {corpus}", async ct =>
        {
            try
            {
                return !await MustWaitAsync(store, corpus, ct);
            }
            catch (PermanentFailureException)
            {
                return true; // failed meanwhile: the request, sent again, refuses itself with the reason
            }
        });

    /// <summary>What a reader of the corpus's shards must do first: wait (true) while a run is under way, or while
    /// nothing of the corpus is there yet (submitted, its ingestion not started: the gateway refuses names it never
    /// saw submitted, so nothing here means on its way); nothing (false) once the run ended, or for shards written
    /// without the ingestion's word. Throws <see cref="PermanentFailureException"/> when the last run failed: its
    /// shards are partial, and no event will come.</summary>
    public static async Task<bool> MustWaitAsync(IObjectStore store, string corpus, CancellationToken ct) =>
        await CorpusObjects.IngestionAsync(store, corpus, ct) switch
        {
            { Stage: CorpusIngestionStage.Ingesting } => true,
            { Stage: CorpusIngestionStage.Failed } failed =>
                throw new PermanentFailureException($"the ingestion of corpus '{corpus}' failed: {failed.Error}"),
            null => !await HasShardsAsync(store, corpus, ct),
            _ => false,
        };

    private static async Task<bool> HasShardsAsync(IObjectStore store, string corpus, CancellationToken ct)
    {
        await foreach (var _ in store.ListAsync(IngestionKeys.DocsPrefix(corpus), ct)) return true;
        return false;
    }

    /// <summary>Waits of <see cref="ForIngestion"/> end with the corpus's <c>CorpusIngested</c>, or fail with its
    /// <c>CorpusIngestionFailed</c>.</summary>
    public static JobWaitDeclarations<TDbContext> ReleasedByIngestion<TDbContext>(this JobWaitDeclarations<TDbContext> waits)
        where TDbContext : DbContext =>
        waits.ReleasedBy<CorpusIngested>(e => JobWaitKeys.Ingested(e.CorpusId))
            .FailedBy<CorpusIngestionFailed>(e => JobWaitKeys.Ingested(e.CorpusId), e => $"the ingestion of corpus {e.Name} failed: {e.Reason}");
}
