using MassTransit;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Jobs;
using Refinery.Gateway.Data;
using Refinery.Hosting.Bus;

namespace Refinery.Gateway.Consumers;

/// <summary>Projects <see cref="CorpusIngestionFailed"/>: the final stage, the step that failed and the reason; its
/// ingestion job failed there.</summary>
public sealed class CorpusIngestionFailedConsumer(CorpusProjection projection, JobProjection jobs) : IConsumer<CorpusIngestionFailed>
{
    public async Task Consume(ConsumeContext<CorpusIngestionFailed> context)
    {
        var (e, ct) = (context.Message, context.CancellationToken);
        await projection.FailedAsync(e, ct);
        await jobs.FailedAsync(JobServices.Ingestion, JobIds.Ingestion(e.Name), e.CorpusId, null, CorpusProjection.StepOf(e), context.SentTime, ct);
    }
}

/// <summary>A durable, competing-consumer queue: gateway-corpus-ingestion-failed.</summary>
public sealed class CorpusIngestionFailedConsumerDefinition : ConsumerDefinition<CorpusIngestionFailedConsumer>
{
    public CorpusIngestionFailedConsumerDefinition() => EndpointName = EndpointNames.For<CorpusIngestionFailed>(GatewayServiceExtensions.ServiceName);
}
