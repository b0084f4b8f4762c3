using MassTransit;
using Refinery.Contracts.Ingestion;
using Refinery.Gateway.Data;
using Refinery.Hosting.Bus;

namespace Refinery.Gateway.Consumers;

/// <summary>Projects <see cref="CorpusIngestionFailed"/>: the final stage and the reason.</summary>
public sealed class CorpusIngestionFailedConsumer(CorpusProjection projection) : IConsumer<CorpusIngestionFailed>
{
    public Task Consume(ConsumeContext<CorpusIngestionFailed> context) =>
        projection.FailedAsync(context.Message, context.CancellationToken);
}

/// <summary>A durable, competing-consumer queue: gateway-corpus-ingestion-failed.</summary>
public sealed class CorpusIngestionFailedConsumerDefinition : ConsumerDefinition<CorpusIngestionFailedConsumer>
{
    public CorpusIngestionFailedConsumerDefinition() => EndpointName = EndpointNames.For<CorpusIngestionFailed>(GatewayServiceExtensions.ServiceName);
}
