using MassTransit;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Jobs;
using Refinery.Gateway.Data;
using Refinery.Hosting.Bus;

namespace Refinery.Gateway.Consumers;

/// <summary>Projects <see cref="CorpusIngestionStarted"/> into the corpus read model and the job read model: the run
/// is under way (a new run reopens an ingestion that ended, and the corpus's signals jobs, which its new shards feed).</summary>
public sealed class CorpusIngestionStartedConsumer(CorpusProjection projection, JobProjection jobs) : IConsumer<CorpusIngestionStarted>
{
    public async Task Consume(ConsumeContext<CorpusIngestionStarted> context)
    {
        var (e, ct) = (context.Message, context.CancellationToken);
        await projection.StartedAsync(e, ct);
        await jobs.StartedAsync(JobServices.Ingestion, JobIds.Ingestion(e.Name), e.CorpusId, JobProjection.IngestionStep, context.SentTime, ct);
        await jobs.RestartedWithCorpusAsync(JobServices.Signals, e.CorpusId, JobProjection.SignalsStep, context.SentTime, ct);
    }
}

/// <summary>A durable, competing-consumer queue: gateway-corpus-ingestion-started.</summary>
public sealed class CorpusIngestionStartedConsumerDefinition : ConsumerDefinition<CorpusIngestionStartedConsumer>
{
    public CorpusIngestionStartedConsumerDefinition() => EndpointName = EndpointNames.For<CorpusIngestionStarted>(GatewayServiceExtensions.ServiceName);
}
