using MassTransit;
using Microsoft.Extensions.Logging;
using Refinery.Contracts;
using Refinery.Contracts.Curation;
using Refinery.Curation.Data;
using Refinery.Curation.Domain;
using Refinery.Curation.Pipeline;
using Refinery.Hosting.Bus;
using Refinery.Storage;

namespace Refinery.Curation.Consumers;

/// <summary>Writes a version's statistics, datasheet and manifest, records it as done and publishes
/// <see cref="DatasetVersionCreated"/>: once, by the process that records it (or a redelivery of that message).</summary>
public sealed class FinishDatasetVersionConsumer(VersionFinisher finisher, CurationCatalog catalog, IObjectStore store, TimeProvider clock,
    ILogger<FinishDatasetVersionConsumer> logger) : IConsumer<FinishDatasetVersion>
{
    public async Task Consume(ConsumeContext<FinishDatasetVersion> context)
    {
        var (message, ct) = (context.Message, context.CancellationToken);
        var job = await catalog.RequireJobAsync(message.JobId, ct);
        var announce = context.IsRepeat(); // FinishOnce: the one that records the job, or a repeat, announces it
        if (job.Status != DatasetJobStatus.Done)
        {
            var parts = await catalog.PartsAsync(job.Id, ct);
            var expected = JobInputs.Parts(job).Count;
            if (parts.Count != expected) throw new PermanentFailureException($"dataset job {job.Id} has {parts.Count} of {expected} parts written");
            job = await finisher.FinishAsync(job, parts, clock.GetUtcNow().UtcDateTime, ct);
            if (await catalog.FinishJobAsync(job, ct))
            {
                announce = true;
                logger.LogInformation("Dataset {Dataset}@{Version}: {Kept} of {Documents} documents, {Tokens} tokens → {Key}",
                    job.Dataset, job.Version, job.KeptDocuments, job.Documents, job.Tokens, job.ManifestKey);
            }
            job = await catalog.FindJobAsync(job.Id, ct) ?? job;
        }
        if (announce) await context.Publish(job.ToEvent(store.Bucket, message.RequestId), ct);
    }
}

/// <summary>Queue curation-finish-dataset-version.</summary>
public sealed class FinishDatasetVersionConsumerDefinition : ConsumerDefinition<FinishDatasetVersionConsumer>
{
    public FinishDatasetVersionConsumerDefinition() => EndpointName = CommandQueues.FinishDatasetVersion;
}
