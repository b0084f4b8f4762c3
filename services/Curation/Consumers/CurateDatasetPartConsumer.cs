using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Refinery.Contracts;
using Refinery.Contracts.Curation;
using Refinery.Curation.Data;
using Refinery.Curation.Domain;
using Refinery.Curation.Options;
using Refinery.Curation.Pipeline;
using Refinery.Hosting.Bus;
using Refinery.Hosting.Jobs;

namespace Refinery.Curation.Consumers;

/// <summary>Writes one part of a version (any process may take any part), records it, and when every part is recorded
/// sends <see cref="FinishDatasetVersion"/>. A part written twice writes the same deterministic objects.</summary>
public sealed class CurateDatasetPartConsumer(PartCurator curator, CurationCatalog catalog, VersionSteps steps, ILogger<CurateDatasetPartConsumer> logger)
    : IConsumer<CurateDatasetPart>
{
    public async Task Consume(ConsumeContext<CurateDatasetPart> context)
    {
        var (message, ct) = (context.Message, context.CancellationToken);
        var job = await catalog.RequireJobAsync(message.JobId, ct);
        var stats = await curator.CurateAsync(job, message.Part, ct);
        await catalog.UpsertPartAsync(new DatasetPart { JobId = job.Id, Part = message.Part, StatsJson = JsonSerializer.Serialize(stats) }, ct);
        logger.LogInformation("Dataset {Dataset}@{Version}: part {Part} kept {Kept} of {Documents} documents, {Tokens} tokens",
            job.Dataset, job.Version, message.Part, stats.Kept, stats.Documents, stats.Tokens + stats.ValidationTokens);
        await steps.ContinueAsync(context, job, message.RequestId, StepCaller.AfterRecording, ct);
    }
}

/// <summary>Queue curation-curate-dataset-part, shared by every curation process (competing consumers).</summary>
public sealed class CurateDatasetPartConsumerDefinition(IOptions<CurationOptions> options)
    : CompetingConsumerDefinition<CurateDatasetPartConsumer>(CommandQueues.CurateDatasetPart, options.Value.MaxConcurrency);
