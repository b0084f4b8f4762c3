using MassTransit;
using Refinery.Contracts.Jobs;
using Refinery.Gateway.Data;
using Refinery.Hosting.Bus;

namespace Refinery.Gateway.Consumers;

/// <summary>Projects <see cref="JobProgressed"/> of every service into the job read model.</summary>
public sealed class JobProgressedConsumer(JobProjection jobs) : IConsumer<JobProgressed>
{
    public Task Consume(ConsumeContext<JobProgressed> context) => jobs.ProgressedAsync(context.Message, context.CancellationToken);
}

/// <summary>A durable, competing-consumer queue: gateway-job-progressed.</summary>
public sealed class JobProgressedConsumerDefinition : ConsumerDefinition<JobProgressedConsumer>
{
    public JobProgressedConsumerDefinition() => EndpointName = EndpointNames.For<JobProgressed>(GatewayServiceExtensions.ServiceName);
}
