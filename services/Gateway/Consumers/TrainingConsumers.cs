using MassTransit;
using Refinery.Contracts.Jobs;
using Refinery.Contracts.Training;
using Refinery.Gateway.Data;
using Refinery.Hosting.Bus;

namespace Refinery.Gateway.Consumers;

/// <summary>The step a training job's generic progress (<see cref="JobProgressed"/>) reports: the Training service's
/// "train", its done the optimizer step and its total the steps of all stages.</summary>
internal static class TrainingJobSteps
{
    public const string Train = "train";
}

/// <summary>Projects <see cref="TrainingJobStarted"/>: the job runs (again, for a run resumed after it ended), and so
/// does its generic job.</summary>
public sealed class TrainingJobStartedConsumer(TrainingProjection projection, JobProjection jobs) : IConsumer<TrainingJobStarted>
{
    public async Task Consume(ConsumeContext<TrainingJobStarted> context)
    {
        var (e, ct) = (context.Message, context.CancellationToken);
        await projection.StartedAsync(e, ct);
        await jobs.StartedAsync(JobServices.Training, JobIds.Training(e.JobId), null, TrainingJobSteps.Train, e.At.UtcDateTime, ct);
    }
}

/// <summary>A durable, competing-consumer queue: gateway-training-job-started.</summary>
public sealed class TrainingJobStartedConsumerDefinition : ConsumerDefinition<TrainingJobStartedConsumer>
{
    public TrainingJobStartedConsumerDefinition() => EndpointName = EndpointNames.For<TrainingJobStarted>(GatewayServiceExtensions.ServiceName);
}

/// <summary>Projects <see cref="TrainingJobProgressed"/>: a point of the loss curve and the job's latest figures. The
/// generic job list follows the <see cref="JobProgressed"/> the service publishes beside it.</summary>
public sealed class TrainingJobProgressedConsumer(TrainingProjection projection) : IConsumer<TrainingJobProgressed>
{
    public Task Consume(ConsumeContext<TrainingJobProgressed> context) => projection.ProgressedAsync(context.Message, context.CancellationToken);
}

/// <summary>A durable, competing-consumer queue: gateway-training-job-progressed.</summary>
public sealed class TrainingJobProgressedConsumerDefinition : ConsumerDefinition<TrainingJobProgressedConsumer>
{
    public TrainingJobProgressedConsumerDefinition() => EndpointName = EndpointNames.For<TrainingJobProgressed>(GatewayServiceExtensions.ServiceName);
}

/// <summary>Projects <see cref="TrainingJobCompleted"/>: the job made its model, and its generic job is done.</summary>
public sealed class TrainingJobCompletedConsumer(TrainingProjection projection, JobProjection jobs) : IConsumer<TrainingJobCompleted>
{
    public async Task Consume(ConsumeContext<TrainingJobCompleted> context)
    {
        var (e, ct) = (context.Message, context.CancellationToken);
        await projection.CompletedAsync(e, context.SentTime, ct);
        await jobs.DoneAsync(JobServices.Training, JobIds.Training(e.JobId), null, e.RequestId, context.SentTime, ct);
    }
}

/// <summary>A durable, competing-consumer queue: gateway-training-job-completed.</summary>
public sealed class TrainingJobCompletedConsumerDefinition : ConsumerDefinition<TrainingJobCompletedConsumer>
{
    public TrainingJobCompletedConsumerDefinition() => EndpointName = EndpointNames.For<TrainingJobCompleted>(GatewayServiceExtensions.ServiceName);
}

/// <summary>Projects <see cref="TrainingJobFailed"/>: the job failed at a step with the reason; so did its generic job.</summary>
public sealed class TrainingJobFailedConsumer(TrainingProjection projection, JobProjection jobs) : IConsumer<TrainingJobFailed>
{
    public async Task Consume(ConsumeContext<TrainingJobFailed> context)
    {
        var (e, ct) = (context.Message, context.CancellationToken);
        await projection.FailedAsync(e, context.SentTime, ct);
        if (e.JobId.Length > 0) await jobs.FailedAsync(JobServices.Training, JobIds.Training(e.JobId), null, e.RequestId, e.Step, context.SentTime, ct);
        else if (e.RequestId is { } requestId) await jobs.RequestFailedAsync(JobServices.Training, requestId, e.Step, context.SentTime, ct);
    }
}

/// <summary>A durable, competing-consumer queue: gateway-training-job-failed.</summary>
public sealed class TrainingJobFailedConsumerDefinition : ConsumerDefinition<TrainingJobFailedConsumer>
{
    public TrainingJobFailedConsumerDefinition() => EndpointName = EndpointNames.For<TrainingJobFailed>(GatewayServiceExtensions.ServiceName);
}

/// <summary>Projects <see cref="TrainingJobCancelled"/>: the job stopped as asked, at a step; its generic job is cancelled.</summary>
public sealed class TrainingJobCancelledConsumer(TrainingProjection projection, JobProjection jobs) : IConsumer<TrainingJobCancelled>
{
    public async Task Consume(ConsumeContext<TrainingJobCancelled> context)
    {
        var (e, ct) = (context.Message, context.CancellationToken);
        await projection.CancelledAsync(e, context.SentTime, ct);
        await jobs.CancelledAsync(JobServices.Training, JobIds.Training(e.JobId), e.RequestId, $"{TrainingJobSteps.Train} {e.Step}", context.SentTime, ct);
    }
}

/// <summary>A durable, competing-consumer queue: gateway-training-job-cancelled.</summary>
public sealed class TrainingJobCancelledConsumerDefinition : ConsumerDefinition<TrainingJobCancelledConsumer>
{
    public TrainingJobCancelledConsumerDefinition() => EndpointName = EndpointNames.For<TrainingJobCancelled>(GatewayServiceExtensions.ServiceName);
}
