using MassTransit;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Jobs;
using Refinery.Gateway.Data;
using Refinery.Hosting.Bus;

namespace Refinery.Gateway.Consumers;

/// <summary>Projects <see cref="CorpusIngested"/>: the final stage and counts of a run; its ingestion job is done.</summary>
public sealed class CorpusIngestedConsumer(CorpusProjection projection, JobProjection jobs) : IConsumer<CorpusIngested>
{
    public async Task Consume(ConsumeContext<CorpusIngested> context)
    {
        var (e, ct) = (context.Message, context.CancellationToken);
        await projection.IngestedAsync(e, ct);
        await jobs.DoneAsync(JobServices.Ingestion, JobIds.Ingestion(e.Name), e.CorpusId, null, context.SentTime, ct);
    }
}

/// <summary>A durable, competing-consumer queue: gateway-corpus-ingested.</summary>
public sealed class CorpusIngestedConsumerDefinition : ConsumerDefinition<CorpusIngestedConsumer>
{
    public CorpusIngestedConsumerDefinition() => EndpointName = EndpointNames.For<CorpusIngested>(GatewayServiceExtensions.ServiceName);
}
