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

/// <summary>Projects the fault of a <see cref="CreateDatasetVersion"/> the Curation service refused (no shards, an unknown
/// recipe, clusters not made): before the version has a name, so only its request can fail.</summary>
public sealed class CreateDatasetVersionFaultConsumer(DatasetProjection projection) : IConsumer<Fault<CreateDatasetVersion>>
{
    public Task Consume(ConsumeContext<Fault<CreateDatasetVersion>> context) => context.Message.Message.RequestId is { } id
        ? projection.RequestFailedAsync(id, null, string.Join("; ", context.Message.Exceptions.Select(x => x.Message)), context.CancellationToken)
        : Task.CompletedTask;
}

/// <summary>A durable, competing-consumer queue: gateway-create-dataset-version-fault.</summary>
public sealed class CreateDatasetVersionFaultConsumerDefinition : ConsumerDefinition<CreateDatasetVersionFaultConsumer>
{
    public CreateDatasetVersionFaultConsumerDefinition() => EndpointName = $"{GatewayServiceExtensions.ServiceName}-create-dataset-version-fault";
}

/// <summary>Projects the fault of a <see cref="CreateDatasetMixture"/> the Curation service refused (a component not
/// finished, components tokenized differently) onto its request.</summary>
public sealed class CreateDatasetMixtureFaultConsumer(DatasetProjection projection) : IConsumer<Fault<CreateDatasetMixture>>
{
    public Task Consume(ConsumeContext<Fault<CreateDatasetMixture>> context) => context.Message.Message.RequestId is { } id
        ? projection.RequestFailedAsync(id, null, string.Join("; ", context.Message.Exceptions.Select(x => x.Message)), context.CancellationToken)
        : Task.CompletedTask;
}

/// <summary>A durable, competing-consumer queue: gateway-create-dataset-mixture-fault.</summary>
public sealed class CreateDatasetMixtureFaultConsumerDefinition : ConsumerDefinition<CreateDatasetMixtureFaultConsumer>
{
    public CreateDatasetMixtureFaultConsumerDefinition() => EndpointName = $"{GatewayServiceExtensions.ServiceName}-create-dataset-mixture-fault";
}
