using MassTransit;
using Microsoft.Extensions.Logging;
using Refinery.Contracts;
using Refinery.Contracts.Dedup;
using Refinery.Dedup.Data;
using Refinery.Dedup.Domain;
using Refinery.Dedup.Pipeline;
using Refinery.Hosting.Bus;
using Refinery.Storage;

namespace Refinery.Dedup.Consumers;

/// <summary>Merges every partition's result into the clusters file, records the job as done and publishes
/// <see cref="CorpusDeduplicated"/>. Two FinishDedup of one job (two partitions completed at once) publish once: only
/// the process that moves the job to done announces it, or a redelivery of the message that did (it may have stopped
/// between recording and publishing).</summary>
public sealed class FinishDedupConsumer(ClusterMerger merger, DedupCatalog catalog, IObjectStore store, TimeProvider clock,
    ILogger<FinishDedupConsumer> logger) : IConsumer<FinishDedup>
{
    public async Task Consume(ConsumeContext<FinishDedup> context)
    {
        var (message, ct) = (context.Message, context.CancellationToken);
        var job = await catalog.FindJobAsync(message.JobId, ct) ?? throw new PermanentFailureException($"no dedup job {message.JobId}");
        var announce = context.IsRepeat(); // FinishOnce: the one that records the job, or a repeat, announces it
        if (job.Status != DedupJobStatus.Done)
        {
            var partitions = await catalog.PartitionsAsync(job.Id, ct);
            if (partitions.Count != job.Partitions)
                throw new PermanentFailureException($"dedup job {job.Id} has {partitions.Count} of {job.Partitions} partitions linked");
            var hashed = DedupSteps.NeedsTexts(job) ? await catalog.ShardsAsync(job.Id, ct) : [];
            job = await merger.MergeAsync(job, hashed, partitions, clock.GetUtcNow().UtcDateTime, ct);
            if (await catalog.FinishJobAsync(job, ct))
            {
                announce = true;
                logger.LogInformation("Dedup of {Corpus} at {Config}: {Clusters} clusters of {Clustered} of {Documents} documents, " +
                                      "{Exact} exact copies, {Earlier} in earlier corpora → {Key}",
                    job.Corpus, job.Config, job.ClusterCount, job.ClusteredDocuments, job.Documents, job.ExactDuplicates,
                    job.EarlierCorpusDuplicates, job.ClustersKey);
            }
            job = await catalog.FindJobAsync(job.Id, ct) ?? job;
        }
        if (announce) await context.Publish(job.ToEvent(store.Bucket), ct);
    }
}

/// <summary>Queue dedup-finish-dedup.</summary>
public sealed class FinishDedupConsumerDefinition : ConsumerDefinition<FinishDedupConsumer>
{
    public FinishDedupConsumerDefinition() => EndpointName = CommandQueues.FinishDedup;
}
