using MassTransit;
using Refinery.Contracts.Curation;
using Refinery.Gateway.Data;
using Refinery.Hosting.Bus;

namespace Refinery.Gateway.Consumers;

/// <summary>Projects <see cref="DatasetVersionCreated"/>: the version is done, with its counts and manifest.</summary>
public sealed class DatasetVersionCreatedConsumer(DatasetProjection projection) : IConsumer<DatasetVersionCreated>
{
    public Task Consume(ConsumeContext<DatasetVersionCreated> context) => projection.CreatedAsync(context.Message, context.CancellationToken);
}

/// <summary>A durable, competing-consumer queue: gateway-dataset-version-created.</summary>
public sealed class DatasetVersionCreatedConsumerDefinition : ConsumerDefinition<DatasetVersionCreatedConsumer>
{
    public DatasetVersionCreatedConsumerDefinition() => EndpointName = EndpointNames.For<DatasetVersionCreated>(GatewayServiceExtensions.ServiceName);
}

/// <summary>Projects <see cref="DatasetVersionFailed"/>: a step of the version failed for good, with the reason.</summary>
public sealed class DatasetVersionFailedConsumer(DatasetProjection projection) : IConsumer<DatasetVersionFailed>
{
    public Task Consume(ConsumeContext<DatasetVersionFailed> context) => projection.FailedAsync(context.Message, context.CancellationToken);
}

/// <summary>A durable, competing-consumer queue: gateway-dataset-version-failed.</summary>
public sealed class DatasetVersionFailedConsumerDefinition : ConsumerDefinition<DatasetVersionFailedConsumer>
{
    public DatasetVersionFailedConsumerDefinition() => EndpointName = EndpointNames.For<DatasetVersionFailed>(GatewayServiceExtensions.ServiceName);
}
