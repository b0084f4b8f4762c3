using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Refinery.Contracts;
using Refinery.Contracts.Dedup;
using Refinery.Contracts.Options;
using Refinery.Dedup.Data;
using Refinery.Dedup.Domain;
using Refinery.Dedup.Options;
using Refinery.Dedup.Pipeline;
using Refinery.Hosting.Bus;
using Refinery.Hosting.Jobs;
using Refinery.Storage;

namespace Refinery.Dedup.Consumers;

/// <summary>Links one partition of a job (any process may take any partition) and commits it together with the exact
/// index partitions it owns; when another writer moved one of those first, it reads them again and retries. The
/// process that completes the last partition sends <see cref="FinishDedup"/>.</summary>
public sealed class LinkDedupPartitionConsumer(PartitionLinker linker, DedupCatalog catalog, DedupSteps steps, ILogger<LinkDedupPartitionConsumer> logger)
    : IConsumer<LinkDedupPartition>
{
    private const int MaxCommitAttempts = 20;

    public async Task Consume(ConsumeContext<LinkDedupPartition> context)
    {
        var (message, ct) = (context.Message, context.CancellationToken);
        var job = await catalog.FindJobAsync(message.JobId, ct) ?? throw new PermanentFailureException($"no dedup job {message.JobId}");
        if (message.Partition < 0 || message.Partition >= job.Partitions)
            throw new PermanentFailureException($"partition {message.Partition} is outside job {job.Id}'s {job.Partitions}");
        if (!await catalog.HasPartitionAsync(job.Id, message.Partition, ct))
        {
            logger.LogInformation("Linking partition {Partition} of dedup job {Job}", message.Partition, job.Id);
            var hashed = DedupSteps.NeedsTexts(job) ? await catalog.ShardsAsync(job.Id, ct) : [];
            var linked = await linker.LinkAsync(job, message.Partition, hashed, ct);
            for (var attempt = 1; ; attempt++)
            {
                var index = await catalog.IndexPartitionsAsync(OptionValues<ExactKeyKind>.NameOf(job.ExactKey), linked.IndexKeys.Keys, ct);
                var completed = await TryCompleteAsync(job, message.Partition, linked, index, ct);
                if (completed is var (row, next) && await catalog.CommitPartitionAsync(row, next, ct))
                {
                    logger.LogInformation("Dedup job {Job}: partition {Partition} linked, {Edges} edges, {Fresh} index partitions advanced",
                        job.Id, row.Partition, row.Edges, next.Count);
                    break;
                }
                if (await catalog.HasPartitionAsync(job.Id, message.Partition, ct)) break; // another process committed it
                if (attempt == MaxCommitAttempts)
                    throw new InvalidOperationException($"partition {message.Partition} of dedup job {job.Id}: the exact index kept moving ({attempt} attempts)");
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(20, 200)), ct);
            }
        }
        await steps.ContinueAsync(context, job, StepCaller.AfterRecording, ct);
    }

    /// <summary>The partition's row and index versions, or null when an index version read a moment ago is gone because
    /// another writer superseded it and the storage sweep removed it: the same case as a lost compare-and-swap.</summary>
    private async Task<(DedupPartition Row, List<(long ReadVersion, ExactIndexPartition Next)> Next)?> TryCompleteAsync(DedupJob job, int partition,
        PartitionLinker.Linked linked, Dictionary<int, ExactIndexPartition> index, CancellationToken ct)
    {
        try
        {
            return await linker.CompleteAsync(job, partition, linked, index, ct);
        }
        catch (PermanentFailureException ex) when (ex.InnerException is ObjectNotFoundException)
        {
            if (await IndexMovedAsync(job, linked, index, ct)) return null;
            throw;
        }
    }

    private async Task<bool> IndexMovedAsync(DedupJob job, PartitionLinker.Linked linked, Dictionary<int, ExactIndexPartition> read, CancellationToken ct)
    {
        var now = await catalog.IndexPartitionsAsync(OptionValues<ExactKeyKind>.NameOf(job.ExactKey), linked.IndexKeys.Keys, ct);
        return now.Any(p => !read.TryGetValue(p.Key, out var before) || before.Version != p.Value.Version);
    }
}

/// <summary>Queue dedup-link-dedup-partition, shared by every dedup process (competing consumers).</summary>
public sealed class LinkDedupPartitionConsumerDefinition(IOptions<DedupOptions> options)
    : CompetingConsumerDefinition<LinkDedupPartitionConsumer>(CommandQueues.LinkDedupPartition, options.Value.MaxConcurrency);
