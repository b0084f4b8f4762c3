using MassTransit;
using Refinery.Contracts.Jobs;
using Refinery.Gateway.Data;
using Refinery.Hosting.Bus;

namespace Refinery.Gateway.Consumers;

/// <summary>Projects <see cref="JobProgressed"/> of every service into the job read model.</summary>
public sealed class JobProgressedConsumer(JobProjection jobs) : IConsumer<JobProgressed>
{
    public async Task Consume(ConsumeContext<JobProgressed> context)
    {
        var (e, ct) = (context.Message, context.CancellationToken);
        await jobs.ProgressedAsync(e, ct);
        // Signals has no completion event (its work is per shard, and nothing in it ends a corpus): a corpus's signals are
        // done when every shard of its ingestion run has them, which its progress says once the run's shard count is known.
        if (e.Service == JobServices.Signals && e.Total > 0 && e.Done >= e.Total)
            await jobs.DoneAsync(e.Service, e.Job, e.CorpusId, e.RequestId, e.At.UtcDateTime, ct);
    }
}

/// <summary>A durable, competing-consumer queue: gateway-job-progressed.</summary>
public sealed class JobProgressedConsumerDefinition : ConsumerDefinition<JobProgressedConsumer>
{
    public JobProgressedConsumerDefinition() => EndpointName = EndpointNames.For<JobProgressed>(GatewayServiceExtensions.ServiceName);
}
