using MassTransit;
using Refinery.Contracts.Dedup;
using Refinery.Contracts.Jobs;
using Refinery.Gateway.Data;
using Refinery.Hosting.Bus;

namespace Refinery.Gateway.Consumers;

/// <summary>Projects <see cref="CorpusDeduplicated"/>: the dedup request is done, with its counts and clusters file, and so is its job.</summary>
public sealed class CorpusDeduplicatedConsumer(DedupProjection projection, JobProjection jobs) : IConsumer<CorpusDeduplicated>
{
    public async Task Consume(ConsumeContext<CorpusDeduplicated> context)
    {
        var (e, ct) = (context.Message, context.CancellationToken);
        await projection.DeduplicatedAsync(e, ct);
        // An event of an older build may not name its corpus, and so not its job.
        if (e.Corpus.Length > 0) await jobs.DoneAsync(JobServices.Dedup, JobIds.Dedup(e.Corpus, e.Config), e.CorpusId, null, context.SentTime, ct);
    }
}

/// <summary>A durable, competing-consumer queue: gateway-corpus-deduplicated.</summary>
public sealed class CorpusDeduplicatedConsumerDefinition : ConsumerDefinition<CorpusDeduplicatedConsumer>
{
    public CorpusDeduplicatedConsumerDefinition() => EndpointName = EndpointNames.For<CorpusDeduplicated>(GatewayServiceExtensions.ServiceName);
}

/// <summary>Projects <see cref="CorpusDeduplicationFailed"/>: the dedup service gave up on a step, named with its reason; its job failed there.</summary>
public sealed class CorpusDeduplicationFailedConsumer(DedupProjection projection, JobProjection jobs) : IConsumer<CorpusDeduplicationFailed>
{
    public async Task Consume(ConsumeContext<CorpusDeduplicationFailed> context)
    {
        var (e, ct) = (context.Message, context.CancellationToken);
        await projection.FailedAsync(e, ct);
        await jobs.FailedAsync(JobServices.Dedup, JobIds.Dedup(e.Corpus, e.Config), e.CorpusId, null, e.Step, context.SentTime, ct);
    }
}

/// <summary>A durable, competing-consumer queue: gateway-corpus-deduplication-failed.</summary>
public sealed class CorpusDeduplicationFailedConsumerDefinition : ConsumerDefinition<CorpusDeduplicationFailedConsumer>
{
    public CorpusDeduplicationFailedConsumerDefinition() =>
        EndpointName = EndpointNames.For<CorpusDeduplicationFailed>(GatewayServiceExtensions.ServiceName);
}
