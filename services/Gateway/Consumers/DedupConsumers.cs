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

/// <summary>Projects the fault of a <see cref="DeduplicateCorpus"/> the dedup service gave up on, with its reason.</summary>
public sealed class DeduplicateCorpusFaultConsumer(DedupProjection projection) : IConsumer<Fault<DeduplicateCorpus>>
{
    public Task Consume(ConsumeContext<Fault<DeduplicateCorpus>> context) => projection.FailedAsync(context.Message, context.CancellationToken);
}

/// <summary>A durable, competing-consumer queue: gateway-deduplicate-corpus-fault.</summary>
public sealed class DeduplicateCorpusFaultConsumerDefinition : ConsumerDefinition<DeduplicateCorpusFaultConsumer>
{
    public DeduplicateCorpusFaultConsumerDefinition() => EndpointName = $"{GatewayServiceExtensions.ServiceName}-deduplicate-corpus-fault";
}
