using MassTransit;
using Refinery.Contracts.Dedup;
using Refinery.Gateway.Data;
using Refinery.Hosting.Bus;

namespace Refinery.Gateway.Consumers;

/// <summary>Projects <see cref="CorpusDeduplicated"/>: the dedup request is done, with its counts and clusters file.</summary>
public sealed class CorpusDeduplicatedConsumer(DedupProjection projection) : IConsumer<CorpusDeduplicated>
{
    public Task Consume(ConsumeContext<CorpusDeduplicated> context) => projection.DeduplicatedAsync(context.Message, context.CancellationToken);
}

/// <summary>A durable, competing-consumer queue: gateway-corpus-deduplicated.</summary>
public sealed class CorpusDeduplicatedConsumerDefinition : ConsumerDefinition<CorpusDeduplicatedConsumer>
{
    public CorpusDeduplicatedConsumerDefinition() => EndpointName = EndpointNames.For<CorpusDeduplicated>(GatewayServiceExtensions.ServiceName);
}

/// <summary>Projects <see cref="CorpusDeduplicationFailed"/>: the dedup service gave up on a step, named with its reason.</summary>
public sealed class CorpusDeduplicationFailedConsumer(DedupProjection projection) : IConsumer<CorpusDeduplicationFailed>
{
    public Task Consume(ConsumeContext<CorpusDeduplicationFailed> context) => projection.FailedAsync(context.Message, context.CancellationToken);
}

/// <summary>A durable, competing-consumer queue: gateway-corpus-deduplication-failed.</summary>
public sealed class CorpusDeduplicationFailedConsumerDefinition : ConsumerDefinition<CorpusDeduplicationFailedConsumer>
{
    public CorpusDeduplicationFailedConsumerDefinition() =>
        EndpointName = EndpointNames.For<CorpusDeduplicationFailed>(GatewayServiceExtensions.ServiceName);
}
