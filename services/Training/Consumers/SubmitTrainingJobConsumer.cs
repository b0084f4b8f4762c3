using MassTransit;
using Microsoft.Extensions.Logging;
using Refinery.Contracts.Jobs;
using Refinery.Contracts.Training;
using Refinery.Hosting.Bus;
using Refinery.Hosting.Jobs;
using Refinery.Storage;
using Refinery.Training.Data;
using Refinery.Training.Domain;
using Refinery.Training.Jobs;

namespace Refinery.Training.Consumers;

/// <summary>Records the request as a queued job and returns at once; a worker trains. A request that fails the shared
/// checks is answered with TrainingJobFailed at step "request"; the same request as a finished job announces that
/// job's end again (DESIGN §7 rule 3), and as a failed or cancelled one runs it again (from its last checkpoint). A
/// request naming a dataset version not cut yet waits for it (<see cref="TrainingWaits"/>) before its job is recorded:
/// a recorded job is claimable, and its run would fail at step "data" at once.</summary>
public sealed class SubmitTrainingJobConsumer(TrainingJobs jobs, JobSignal<ClaimedTrainingJob> signal, IObjectStore store,
    JobWaits<TrainingDbContext> waits, ILogger<SubmitTrainingJobConsumer> logger) : IConsumer<SubmitTrainingJob>
{
    public async Task Consume(ConsumeContext<SubmitTrainingJob> context)
    {
        var (request, ct) = (context.Message, context.CancellationToken);
        var problems = TrainingRequests.Problems(request);
        if (problems.Count > 0)
        {
            var reason = string.Join("; ", problems.Select(p => $"{p.Key}: {p.Value}"));
            logger.LogWarning("Refused a training request: {Reason}", reason);
            await context.Publish(new TrainingJobFailed { JobId = "", Step = "request", Reason = reason, RequestId = request.RequestId }, ct);
            return;
        }
        var id = TrainingRequests.JobId(request);
        foreach (var stage in request.Stages)
            if (!await TrainingWaits.IsCutAsync(store, stage.Dataset, stage.Version, ct))
            {
                await waits.WaitAsync(context, new JobName(JobServices.Training, JobIds.Training(id), RequestId: request.RequestId),
                    TrainingWaits.ForVersion(store, stage.Dataset, stage.Version));
                return;
            }
        var (job, queued) = await jobs.EnqueueAsync(id, request, ct);
        if (queued)
        {
            logger.LogInformation("Queued training job {Job} ({Kind}, {Stages} stage(s))", id, request.Kind, request.Stages.Count);
            signal.Notify();
        }
        else if (job.Status == TrainingStatus.Completed)
        {
            await context.Publish(TrainingJobs.ResultOf(job)! with { RequestId = request.RequestId }, ct);
        }
    }
}

public sealed class SubmitTrainingJobConsumerDefinition : ConsumerDefinition<SubmitTrainingJobConsumer>
{
    public SubmitTrainingJobConsumerDefinition() => EndpointName = EndpointNames.For<SubmitTrainingJob>("training");
}
