using MassTransit;
using Microsoft.Extensions.Logging;
using Refinery.Contracts.Training;
using Refinery.Hosting.Bus;
using Refinery.Training.Jobs;

namespace Refinery.Training.Consumers;

/// <summary>Marks a job to stop. A queued job is cancelled here and announced; a running one is stopped by its worker
/// at the next step boundary, after a final checkpoint (any process: the flag is in the shared job table).</summary>
public sealed class CancelTrainingJobConsumer(TrainingJobs jobs, ILogger<CancelTrainingJobConsumer> logger) : IConsumer<CancelTrainingJob>
{
    public async Task Consume(ConsumeContext<CancelTrainingJob> context)
    {
        var (command, ct) = (context.Message, context.CancellationToken);
        if (!TrainingRequests.IsJobId(command.JobId)) throw new PermanentFailureException($"'{command.JobId}' is not a training job id");
        if (await jobs.RequestCancelAsync(command.JobId, ct) && await jobs.FindAsync(command.JobId, ct) is { } job)
        {
            logger.LogInformation("Training job {Job} cancelled before it started", command.JobId);
            await TrainingRunner.PublishEndAsync(context, job, ct);
        }
    }
}

public sealed class CancelTrainingJobConsumerDefinition : ConsumerDefinition<CancelTrainingJobConsumer>
{
    public CancelTrainingJobConsumerDefinition() => EndpointName = EndpointNames.For<CancelTrainingJob>("training");
}
