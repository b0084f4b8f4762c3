using MassTransit;
using Refinery.Contracts.Ingestion;
using Refinery.Gateway.Data;
using Refinery.Hosting.Bus;

namespace Refinery.Gateway.Consumers;

/// <summary>Projects <see cref="CorpusIngested"/>: the final stage and counts of a run.</summary>
public sealed class CorpusIngestedConsumer(CorpusProjection projection) : IConsumer<CorpusIngested>
{
    public Task Consume(ConsumeContext<CorpusIngested> context) =>
        projection.IngestedAsync(context.Message, context.CancellationToken);
}

/// <summary>A durable, competing-consumer queue: gateway-corpus-ingested.</summary>
public sealed class CorpusIngestedConsumerDefinition : ConsumerDefinition<CorpusIngestedConsumer>
{
    public CorpusIngestedConsumerDefinition() => EndpointName = EndpointNames.For<CorpusIngested>(GatewayServiceExtensions.ServiceName);
}
