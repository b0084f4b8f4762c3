using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Refinery.Contracts;
using Refinery.Contracts.Dedup;
using Refinery.Dedup.Data;
using Refinery.Dedup.Options;
using Refinery.Dedup.Pipeline;
using Refinery.Hosting.Bus;

namespace Refinery.Dedup.Consumers;

/// <summary>Links one partition of a job (any process may take any partition), records it, and when it finds every
/// partition recorded sends <see cref="FinishDedup"/>. Two processes finishing the last partitions at once both send
/// it; finishing is idempotent.</summary>
public sealed class LinkDedupPartitionConsumer(PartitionLinker linker, DedupCatalog catalog, ILogger<LinkDedupPartitionConsumer> logger)
    : IConsumer<LinkDedupPartition>
{
    public async Task Consume(ConsumeContext<LinkDedupPartition> context)
    {
        var (message, ct) = (context.Message, context.CancellationToken);
        var job = await catalog.FindJobAsync(message.JobId, ct) ?? throw new PermanentFailureException($"no dedup job {message.JobId}");
        if (message.Partition < 0 || message.Partition >= job.Partitions)
            throw new PermanentFailureException($"partition {message.Partition} is outside job {job.Id}'s {job.Partitions}");
        logger.LogInformation("Linking partition {Partition} of dedup job {Job}", message.Partition, job.Id);
        var row = await linker.LinkAsync(job, message.Partition, ct);
        await catalog.UpsertPartitionAsync(row, ct);
        logger.LogInformation("Dedup job {Job}: partition {Partition} linked, {Edges} edges", job.Id, row.Partition, row.Edges);
        if ((await catalog.PartitionsAsync(job.Id, ct)).Count == job.Partitions)
            await (await context.GetSendEndpoint(CommandQueues.Uri(CommandQueues.FinishDedup))).Send(new FinishDedup { JobId = job.Id }, ct);
    }
}

/// <summary>Queue dedup-link-dedup-partition, shared by every dedup process (competing consumers).</summary>
public sealed class LinkDedupPartitionConsumerDefinition : ConsumerDefinition<LinkDedupPartitionConsumer>
{
    private readonly int _concurrency;

    public LinkDedupPartitionConsumerDefinition(IOptions<DedupOptions> options)
    {
        EndpointName = CommandQueues.LinkDedupPartition;
        _concurrency = options.Value.MaxConcurrency;
        ConcurrentMessageLimit = _concurrency;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<LinkDedupPartitionConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.PrefetchCount = _concurrency;
}
