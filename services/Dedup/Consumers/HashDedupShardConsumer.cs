using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Refinery.Contracts;
using Refinery.Contracts.Dedup;
using Refinery.Dedup.Data;
using Refinery.Dedup.Options;
using Refinery.Dedup.Pipeline;
using Refinery.Hosting.Bus;
using Refinery.Hosting.Jobs;

namespace Refinery.Dedup.Consumers;

/// <summary>Hashes one document shard of a job (any process may take any shard), records it, and when every shard is
/// hashed sends the job's partitions.</summary>
public sealed class HashDedupShardConsumer(ShardHasher hasher, DedupCatalog catalog, DedupSteps steps, ILogger<HashDedupShardConsumer> logger)
    : IConsumer<HashDedupShard>
{
    public async Task Consume(ConsumeContext<HashDedupShard> context)
    {
        var (message, ct) = (context.Message, context.CancellationToken);
        var job = await catalog.FindJobAsync(message.JobId, ct) ?? throw new PermanentFailureException($"no dedup job {message.JobId}");
        var row = await hasher.HashAsync(job, message.Shard, ct);
        await catalog.UpsertShardAsync(row, ct);
        logger.LogInformation("Dedup job {Job}: shard {Shard} hashed, {Documents} documents", job.Id, row.Shard, row.Documents);
        await steps.ContinueAsync(context, job, StepCaller.AfterRecording, ct);
    }
}

/// <summary>Queue dedup-hash-dedup-shard, shared by every dedup process (competing consumers).</summary>
public sealed class HashDedupShardConsumerDefinition(IOptions<DedupOptions> options)
    : CompetingConsumerDefinition<HashDedupShardConsumer>(CommandQueues.HashDedupShard, options.Value.MaxConcurrency);
