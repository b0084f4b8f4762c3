using MassTransit;
using Refinery.Contracts;
using Refinery.Contracts.Curation;
using Refinery.Curation.Data;
using Refinery.Hosting.Jobs;

namespace Refinery.Curation.Consumers;

/// <summary>The steps of a dataset version whose final failure (after their retries) becomes <see cref="DatasetVersionFailed"/>,
/// on queue curation-dataset-step-faults.</summary>
public sealed class DatasetStepFailures(CurationCatalog catalog)
{
    public const string Queue = "curation-dataset-step-faults";

    public static void Add(IBusRegistrationConfigurator x) =>
        x.AddStepFailures<DatasetStepFailures, DatasetVersionFailed>(Queue)
            .Step<CreateDatasetVersion>(CommandQueues.CreateDatasetVersion, _ => "request", (_, m, s, _) => Task.FromResult<DatasetVersionFailed?>(OfRequest(m.Dataset, m.RequestId, s)))
            .Step<CreateDatasetMixture>(CommandQueues.CreateDatasetMixture, _ => "request", (_, m, s, _) => Task.FromResult<DatasetVersionFailed?>(OfRequest(m.Dataset, m.RequestId, s)))
            .Step<RankDatasetPart>(CommandQueues.RankDatasetPart, m => $"ranking round {m.Round}, part {m.Part}", (f, m, s, ct) => f.OfJobAsync(m.JobId, m.RequestId, s, ct))
            .Step<FinishDatasetRanking>(CommandQueues.FinishDatasetRanking, m => $"ranking round {m.Round}", (f, m, s, ct) => f.OfJobAsync(m.JobId, m.RequestId, s, ct))
            .Step<CurateDatasetPart>(CommandQueues.CurateDatasetPart, m => $"part {m.Part}", (f, m, s, ct) => f.OfJobAsync(m.JobId, m.RequestId, s, ct))
            .Step<FinishDatasetVersion>(CommandQueues.FinishDatasetVersion, _ => "finish", (f, m, s, ct) => f.OfJobAsync(m.JobId, m.RequestId, s, ct));

    /// <summary>A request refused before its version has a name (no shards, a recipe that does not parse, clusters not
    /// made, a component not finished): the event names the dataset and the request, and no version.</summary>
    private static DatasetVersionFailed OfRequest(string dataset, Guid? requestId, FailedStep failed) => new()
    {
        Dataset = dataset, Version = "", Step = failed.Step, Reason = $"{failed.Step}: {failed.Reason}", RequestId = requestId,
    };

    private async Task<DatasetVersionFailed?> OfJobAsync(Guid jobId, Guid? requestId, FailedStep failed, CancellationToken ct) =>
        await catalog.FindJobAsync(jobId, ct) is { } job
            // The reason keeps the step in front, as it did before Step existed, for readers of the reason alone.
            ? new DatasetVersionFailed { Dataset = job.Dataset, Version = job.Version, Step = failed.Step, Reason = $"{failed.Step}: {failed.Reason}",
                RequestId = requestId }
            : null;
}
