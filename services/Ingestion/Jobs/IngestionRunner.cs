using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Jobs;
using Refinery.Hosting.Jobs;
using Refinery.Ingestion.Data;
using Refinery.Ingestion.Pipeline;
using Refinery.Storage;

namespace Refinery.Ingestion.Jobs;

/// <summary>Runs one claimed ingestion job for the shared <see cref="LeasedJobWorker{TJob}"/>: announces the run,
/// publishes a shard event per shard (and its progress, <see cref="JobProgressed"/>) and CorpusIngested at the end, all of
/// the job's generation. A rerun after a crash
/// rewrites the same shards.</summary>
public sealed class IngestionRunner(IngestionJobs jobs, CorpusIngestor ingestor, IngestionDbContext db, IPublishEndpoint publisher,
    IObjectStore store, ILogger<IngestionRunner> logger) : ILeasedJobRunner<ClaimedJob>
{
    /// <summary>The one step of an ingestion run, in its progress events and in its failure.</summary>
    public const string ReadSources = "read sources";

    public string Step => ReadSources;

    public string Describe(ClaimedJob job) => $"corpus {job.Command.Name}";

    public async Task<bool> RunAsync(ClaimedJob job, CancellationToken ct)
    {
        var command = job.Command;
        logger.LogInformation("Ingesting corpus {Corpus} ({CorpusId}) from {Sources} sources", command.Name, command.CorpusId, command.Sources.Count);
        await publisher.Publish(new CorpusIngestionStarted
        {
            CorpusId = command.CorpusId, Name = command.Name, SourceCount = command.Sources.Count, Generation = job.Generation,
        }, ct);
        // Before the first shard: a reader listing the shards from now on waits for the end of the run.
        await CorpusObjects.WriteIngestionAsync(store, new CorpusIngestionState
        {
            CorpusId = command.CorpusId, Corpus = command.Name, Generation = job.Generation, Stage = CorpusIngestionStage.Ingesting,
        }, ct);
        // Shards are numbered from 0 as they are cut, so a shard's number + 1 is the count so far; the total is known only
        // at the end (shards are cut by document count as the sources are read), so it stays 0.
        var progress = new JobName(JobServices.Ingestion, JobIds.Ingestion(command.Name), command.CorpusId);
        var summary = await ingestor.RunAsync(command, async shard =>
        {
            await jobs.RecordShardAsync(command.CorpusId, shard, ct);
            await publisher.Publish(new CorpusShardIngested
            {
                CorpusId = command.CorpusId, Corpus = command.Name, Shard = shard.Shard, Documents = shard.Documents,
                DocumentCount = shard.DocumentCount, Generation = job.Generation,
            }, ct);
            await publisher.Publish(progress.Progressed(ReadSources, shard.Shard + 1, 0), ct);
        }, ct);
        if (!await jobs.CompleteAsync(job, summary, ct))
        {
            logger.LogWarning("Corpus {Corpus} was resubmitted while ingesting; this run's result is dropped", command.Name);
            return false;
        }
        logger.LogInformation("Corpus {Corpus}: read {Read}, accepted {Accepted}, rejected {Rejected}, {Shards} shards",
            command.Name, summary.Read, summary.Accepted, summary.Rejected, summary.ShardCount);
        return true;
    }

    public async Task AnnounceAsync(ClaimedJob job, CancellationToken ct)
    {
        var corpus = await db.Corpora.AsNoTracking().SingleAsync(c => c.Id == job.CorpusId, ct);
        // Resubmitted since it was recorded: the new generation announces its own result.
        if (corpus.Generation != job.Generation) return;
        // The shards are complete before the event says so, so a reader the event sends again finds them complete.
        await CorpusObjects.WriteIngestionAsync(store, new CorpusIngestionState
        {
            CorpusId = corpus.Id, Corpus = corpus.Name, Generation = corpus.Generation, Stage = CorpusIngestionStage.Ingested,
            ShardCount = corpus.ShardCount,
        }, ct);
        await publisher.Publish(IngestionJobs.ToEvent(corpus), ct);
    }

    public async Task FailAsync(ClaimedJob job, FailedStep failure, CancellationToken ct)
    {
        var reason = failure.Reason;
        await jobs.FailAsync(job, reason, ct);
        await CorpusObjects.WriteIngestionAsync(store, new CorpusIngestionState
        {
            CorpusId = job.CorpusId, Corpus = job.Command.Name, Generation = job.Generation, Stage = CorpusIngestionStage.Failed, Error = reason,
        }, ct);
        await publisher.Publish(new CorpusIngestionFailed
        {
            // The step the worker recorded with the run's last error; a run has one, reading the sources (shards are
            // cut as it reads), which is also what a failure that never reached the run is taken to be.
            CorpusId = job.CorpusId, Name = job.Command.Name, Step = string.IsNullOrEmpty(failure.Step) ? ReadSources : failure.Step,
            Reason = reason, Generation = job.Generation,
        }, ct);
    }
}
