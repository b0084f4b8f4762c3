using MassTransit;
using Refinery.Contracts.Curation;
using Refinery.Contracts.Jobs;
using Refinery.Gateway.Data;
using Refinery.Hosting.Bus;

namespace Refinery.Gateway.Consumers;

/// <summary>Projects <see cref="DatasetVersionCreated"/>: the version is done, with its counts and manifest, and so is its job.</summary>
public sealed class DatasetVersionCreatedConsumer(DatasetProjection projection, JobProjection jobs) : IConsumer<DatasetVersionCreated>
{
    public async Task Consume(ConsumeContext<DatasetVersionCreated> context)
    {
        var (e, ct) = (context.Message, context.CancellationToken);
        await projection.CreatedAsync(e, ct);
        await jobs.DoneAsync(JobServices.Curation, JobIds.DatasetVersion(e.Dataset, e.Version), null, e.RequestId, context.SentTime, ct);
    }
}

/// <summary>A durable, competing-consumer queue: gateway-dataset-version-created.</summary>
public sealed class DatasetVersionCreatedConsumerDefinition : ConsumerDefinition<DatasetVersionCreatedConsumer>
{
    public DatasetVersionCreatedConsumerDefinition() => EndpointName = EndpointNames.For<DatasetVersionCreated>(GatewayServiceExtensions.ServiceName);
}

/// <summary>Projects <see cref="DatasetVersionFailed"/>: a step of the version failed for good, with the reason; its job failed there.</summary>
public sealed class DatasetVersionFailedConsumer(DatasetProjection projection, JobProjection jobs) : IConsumer<DatasetVersionFailed>
{
    public async Task Consume(ConsumeContext<DatasetVersionFailed> context)
    {
        var (e, ct) = (context.Message, context.CancellationToken);
        await projection.FailedAsync(e, ct);
        if (e.Version.Length > 0)
            await jobs.FailedAsync(JobServices.Curation, JobIds.DatasetVersion(e.Dataset, e.Version), null, e.RequestId, e.Step, context.SentTime, ct);
        else if (e.RequestId is { } requestId)
            await jobs.RequestFailedAsync(JobServices.Curation, requestId, e.Step, context.SentTime, ct); // before its version had a name
    }
}

/// <summary>A durable, competing-consumer queue: gateway-dataset-version-failed.</summary>
public sealed class DatasetVersionFailedConsumerDefinition : ConsumerDefinition<DatasetVersionFailedConsumer>
{
    public DatasetVersionFailedConsumerDefinition() => EndpointName = EndpointNames.For<DatasetVersionFailed>(GatewayServiceExtensions.ServiceName);
}
