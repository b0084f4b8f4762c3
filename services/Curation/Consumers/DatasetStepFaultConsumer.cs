using MassTransit;
using Microsoft.Extensions.Logging;
using Refinery.Contracts.Curation;
using Refinery.Curation.Data;

namespace Refinery.Curation.Consumers;

/// <summary>Turns the final failure of any step of a version (after its retries) into <see cref="DatasetVersionFailed"/>,
/// so whoever waits for the version hears why it will not come instead of waiting out a timeout.</summary>
public sealed class DatasetStepFaultConsumer(CurationCatalog catalog, ILogger<DatasetStepFaultConsumer> logger) :
    IConsumer<Fault<RankDatasetPart>>, IConsumer<Fault<FinishDatasetRanking>>, IConsumer<Fault<CurateDatasetPart>>, IConsumer<Fault<FinishDatasetVersion>>
{
    public Task Consume(ConsumeContext<Fault<RankDatasetPart>> context) =>
        FailAsync(context, context.Message, context.Message.Message.JobId, context.Message.Message.RequestId,
            $"ranking round {context.Message.Message.Round}, part {context.Message.Message.Part}");

    public Task Consume(ConsumeContext<Fault<FinishDatasetRanking>> context) =>
        FailAsync(context, context.Message, context.Message.Message.JobId, context.Message.Message.RequestId, $"ranking round {context.Message.Message.Round}");

    public Task Consume(ConsumeContext<Fault<CurateDatasetPart>> context) =>
        FailAsync(context, context.Message, context.Message.Message.JobId, context.Message.Message.RequestId, $"part {context.Message.Message.Part}");

    public Task Consume(ConsumeContext<Fault<FinishDatasetVersion>> context) => FailAsync(context, context.Message, context.Message.Message.JobId, context.Message.Message.RequestId, "finish");

    private async Task FailAsync(ConsumeContext context, Fault fault, Guid jobId, Guid? requestId, string step)
    {
        if (await catalog.FindJobAsync(jobId, context.CancellationToken) is not { } job) return; // nothing to name: the step failed for want of its job
        var reason = $"{step}: {string.Join("; ", fault.Exceptions.Select(e => e.Message))}";
        logger.LogError("Dataset {Dataset}@{Version} failed at {Reason}", job.Dataset, job.Version, reason);
        await context.Publish(new DatasetVersionFailed { Dataset = job.Dataset, Version = job.Version, Reason = reason, RequestId = requestId }, context.CancellationToken);
    }
}

/// <summary>Queue curation-dataset-step-faults.</summary>
public sealed class DatasetStepFaultConsumerDefinition : ConsumerDefinition<DatasetStepFaultConsumer>
{
    public DatasetStepFaultConsumerDefinition() => EndpointName = "curation-dataset-step-faults";
}
