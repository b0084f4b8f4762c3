using MassTransit;
using Refinery.Contracts;
using Refinery.Contracts.Training;
using Refinery.Hosting.Jobs;

namespace Refinery.Training.Consumers;

/// <summary>The steps of a training job whose final failure (after their retries) becomes <see cref="TrainingJobFailed"/>,
/// on queue training-step-faults. Only the request is a step here: the run itself is a leased job, whose failures the
/// worker turns into the event (<see cref="Jobs.TrainingRunner.FailAsync"/>). A cancel that fails for good is not one:
/// the job it names goes on and ends with its own event, and nothing waits for the cancel.</summary>
public sealed class TrainingStepFailures
{
    public const string Queue = "training-step-faults";
    public const string RequestStep = "request";

    public static void Add(IBusRegistrationConfigurator x) =>
        x.AddStepFailures<TrainingStepFailures, TrainingJobFailed>(Queue)
            .Step<SubmitTrainingJob>(CommandQueues.SubmitTrainingJob, _ => RequestStep, (_, m, s, _) => Task.FromResult<TrainingJobFailed?>(OfRequest(m, s)));

    /// <summary>The job id is the request's hash, so the request names its job even when the job row was never written;
    /// a request the shared checks refuse has none, and the gateway finds it by its request id.</summary>
    private static TrainingJobFailed OfRequest(SubmitTrainingJob request, FailedStep failed) => new()
    {
        JobId = TrainingRequests.Problems(request).Count == 0 ? TrainingRequests.JobId(request) : "",
        Step = failed.Step, Reason = failed.Reason, RequestId = request.RequestId,
    };
}
