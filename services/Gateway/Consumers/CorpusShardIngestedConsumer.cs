using MassTransit;
using Refinery.Contracts.Ingestion;
using Refinery.Gateway.Data;
using Refinery.Hosting.Bus;

namespace Refinery.Gateway.Consumers;

/// <summary>Projects <see cref="CorpusShardIngested"/> into the shard list of the corpus read model.</summary>
public sealed class CorpusShardIngestedConsumer(CorpusProjection projection) : IConsumer<CorpusShardIngested>
{
    public Task Consume(ConsumeContext<CorpusShardIngested> context) =>
        projection.ShardIngestedAsync(context.Message, context.CancellationToken);
}

/// <summary>A durable, competing-consumer queue: gateway-corpus-shard-ingested.</summary>
public sealed class CorpusShardIngestedConsumerDefinition : ConsumerDefinition<CorpusShardIngestedConsumer>
{
    public CorpusShardIngestedConsumerDefinition() => EndpointName = EndpointNames.For<CorpusShardIngested>(GatewayServiceExtensions.ServiceName);
}
