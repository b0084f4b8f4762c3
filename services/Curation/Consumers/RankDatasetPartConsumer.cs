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

/// <summary>Collects one part's values for a ranking round (any process may take any part), records them, and when
/// every part of the round is recorded sends <see cref="FinishDatasetRanking"/>.</summary>
public sealed class RankDatasetPartConsumer(PartRanker ranker, CurationCatalog catalog, VersionSteps steps, ILogger<RankDatasetPartConsumer> logger)
    : IConsumer<RankDatasetPart>
{
    public async Task Consume(ConsumeContext<RankDatasetPart> context)
    {
        var (message, ct) = (context.Message, context.CancellationToken);
        var job = await catalog.RequireJobAsync(message.JobId, ct);
        var files = await ranker.RankAsync(job, message.Round, message.Part, ct);
        await catalog.UpsertRankingAsync(new DatasetRanking
            { JobId = job.Id, Round = message.Round, Part = message.Part, FilesJson = JsonSerializer.Serialize(files) }, ct);
        logger.LogInformation("Dataset {Dataset}@{Version}: part {Part} ranked {Values} values for round {Round}", job.Dataset, job.Version,
            message.Part, files.Sum(f => f.Length / sizeof(double)), message.Round);
        await steps.ContinueAsync(context, job, message.RequestId, StepCaller.AfterRecording, ct);
    }
}

/// <summary>Queue curation-rank-dataset-part, shared by every curation process (competing consumers).</summary>
public sealed class RankDatasetPartConsumerDefinition(IOptions<CurationOptions> options)
    : CompetingConsumerDefinition<RankDatasetPartConsumer>(CommandQueues.RankDatasetPart, options.Value.MaxConcurrency);
