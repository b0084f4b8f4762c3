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

/// <summary>Merges every partition's edges into the clusters file, records the job as done and publishes
/// <see cref="CorpusDeduplicated"/>; a finished job only publishes again.</summary>
public sealed class FinishDedupConsumer(ClusterMerger merger, DedupCatalog catalog, IObjectStore store, TimeProvider clock,
    ILogger<FinishDedupConsumer> logger) : IConsumer<FinishDedup>
{
    public async Task Consume(ConsumeContext<FinishDedup> context)
    {
        var (message, ct) = (context.Message, context.CancellationToken);
        var job = await catalog.FindJobAsync(message.JobId, ct) ?? throw new PermanentFailureException($"no dedup job {message.JobId}");
        if (job.Status != DedupJobStatus.Done)
        {
            var partitions = await catalog.PartitionsAsync(job.Id, ct);
            if (partitions.Count != job.Partitions)
                throw new PermanentFailureException($"dedup job {job.Id} has {partitions.Count} of {job.Partitions} partitions linked");
            job = await merger.MergeAsync(job, partitions, clock.GetUtcNow().UtcDateTime, ct);
            await catalog.FinishJobAsync(job, ct);
            logger.LogInformation("Dedup of {Corpus} at {Config}: {Clusters} clusters of {Clustered} of {Documents} documents → {Key}",
                job.Corpus, job.Config, job.ClusterCount, job.ClusteredDocuments, job.Documents, job.ClustersKey);
        }
        await context.Publish(job.ToEvent(store.Bucket), ct);
    }
}

/// <summary>Queue dedup-finish-dedup.</summary>
public sealed class FinishDedupConsumerDefinition : ConsumerDefinition<FinishDedupConsumer>
{
    public FinishDedupConsumerDefinition() => EndpointName = CommandQueues.FinishDedup;
}
