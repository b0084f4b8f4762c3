using MassTransit;
using Refinery.Contracts.Ingestion;
using Refinery.Gateway.Data;
using Refinery.Hosting.Bus;

namespace Refinery.Gateway.Consumers;

/// <summary>Projects <see cref="CorpusIngestionStarted"/> into the corpus read model: the run is under way.</summary>
public sealed class CorpusIngestionStartedConsumer(CorpusProjection projection) : IConsumer<CorpusIngestionStarted>
{
    public Task Consume(ConsumeContext<CorpusIngestionStarted> context) =>
        projection.StartedAsync(context.Message, context.CancellationToken);
}

/// <summary>A durable, competing-consumer queue: gateway-corpus-ingestion-started.</summary>
public sealed class CorpusIngestionStartedConsumerDefinition : ConsumerDefinition<CorpusIngestionStartedConsumer>
{
    public CorpusIngestionStartedConsumerDefinition() => EndpointName = EndpointNames.For<CorpusIngestionStarted>(GatewayServiceExtensions.ServiceName);
}
