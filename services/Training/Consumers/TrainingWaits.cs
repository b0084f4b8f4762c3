using MassTransit;
using Refinery.Contracts;
using Refinery.Contracts.Curation;
using Refinery.Contracts.Training;
using Refinery.Hosting.Jobs;
using Refinery.Storage;
using Refinery.Training.Data;

namespace Refinery.Training.Consumers;

/// <summary>What a training request waits for (its dataset versions, while Curation still cuts them) and the events that
/// end the wait, on queue training-job-waits. A wait that fails (the version failed, or the wait timed out) answers the
/// request with <see cref="TrainingJobFailed"/> at step "data", the step a version that never comes fails at.</summary>
public static class TrainingWaits
{
    public const string Queue = "training-job-waits";
    public const string Step = "data";

    public static void Add(IBusRegistrationConfigurator x) =>
        x.AddJobWaits<TrainingDbContext>(Queue)
            .Waiter<SubmitTrainingJob, TrainingJobFailed>(CommandQueues.SubmitTrainingJob, (m, reason) => new TrainingJobFailed
            {
                JobId = TrainingRequests.JobId(m), Step = Step, Reason = reason, RequestId = m.RequestId,
            })
            .ReleasedBy<DatasetVersionCreated>(e => JobWaitKeys.Dataset(e.Dataset, e.Version))
            .FailedBy<DatasetVersionFailed>(e => JobWaitKeys.Dataset(e.Dataset, e.Version), e => $"{e.Step}: {e.Reason}");

    /// <summary>A dataset version with its manifest, which Curation writes last.</summary>
    public static JobWait ForVersion(IObjectStore store, string dataset, string version) =>
        new(JobWaitKeys.Dataset(dataset, version), $"dataset version {dataset}@{version}", async ct => await IsCutAsync(store, dataset, version, ct));

    public static async Task<bool> IsCutAsync(IObjectStore store, string dataset, string version, CancellationToken ct) =>
        await store.StatAsync(DatasetKeys.Of(dataset, version, DatasetKeys.Manifest), ct) is not null;
}
