using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Refinery.Contracts.Ingestion;
using Refinery.Hosting.Jobs;
using Refinery.Ingestion.Data;
using Refinery.Ingestion.Pipeline;

namespace Refinery.Ingestion.Jobs;

/// <summary>Runs one claimed ingestion job for the shared <see cref="LeasedJobWorker{TJob}"/>: announces the run,
/// publishes a shard event per shard and CorpusIngested at the end, all of the job's generation. A rerun after a crash
/// rewrites the same shards.</summary>
public sealed class IngestionRunner(IngestionJobs jobs, CorpusIngestor ingestor, IngestionDbContext db, IPublishEndpoint publisher,
    ILogger<IngestionRunner> logger) : ILeasedJobRunner<ClaimedJob>
{
    public string Describe(ClaimedJob job) => $"corpus {job.Command.Name}";

    public async Task RunAsync(ClaimedJob job, CancellationToken ct)
    {
        var command = job.Command;
        logger.LogInformation("Ingesting corpus {Corpus} ({CorpusId}) from {Sources} sources", command.Name, command.CorpusId, command.Sources.Count);
        await publisher.Publish(new CorpusIngestionStarted
        {
            CorpusId = command.CorpusId, Name = command.Name, SourceCount = command.Sources.Count, Generation = job.Generation,
        }, ct);
        var summary = await ingestor.RunAsync(command, async shard =>
        {
            await jobs.RecordShardAsync(command.CorpusId, shard, ct);
            await publisher.Publish(new CorpusShardIngested
            {
                CorpusId = command.CorpusId, Corpus = command.Name, Shard = shard.Shard, Documents = shard.Documents,
                DocumentCount = shard.DocumentCount, Generation = job.Generation,
            }, ct);
        }, ct);
        if (!await jobs.CompleteAsync(job, summary, ct))
        {
            logger.LogWarning("Corpus {Corpus} was resubmitted while ingesting; this run's result is dropped", command.Name);
            return;
        }
        var corpus = await db.Corpora.AsNoTracking().SingleAsync(c => c.Id == command.CorpusId, ct);
        await publisher.Publish(IngestionJobs.ToEvent(corpus), ct);
        logger.LogInformation("Corpus {Corpus}: read {Read}, accepted {Accepted}, rejected {Rejected}, {Shards} shards",
            command.Name, summary.Read, summary.Accepted, summary.Rejected, summary.ShardCount);
    }

    public async Task FailAsync(ClaimedJob job, string reason, CancellationToken ct)
    {
        await jobs.FailAsync(job, reason, ct);
        await publisher.Publish(new CorpusIngestionFailed
        {
            CorpusId = job.CorpusId, Name = job.Command.Name, Reason = reason, Generation = job.Generation,
        }, ct);
    }
}
