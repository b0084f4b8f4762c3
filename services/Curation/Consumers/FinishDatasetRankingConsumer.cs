using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Logging;
using Refinery.Contracts;
using Refinery.Contracts.Curation;
using Refinery.Curation.Data;
using Refinery.Curation.Pipeline;
using Refinery.Curation.Recipes;
using Refinery.Hosting.Bus;
using Refinery.Hosting.Jobs;

namespace Refinery.Curation.Consumers;

/// <summary>Merges a ranking round's part values into its thresholds and records them; the process that records them
/// (or a redelivery of its message) goes on with the next round or the parts, so the next step is sent once.</summary>
public sealed class FinishDatasetRankingConsumer(CurationCatalog catalog, QuantileMerger merger, VersionSteps steps,
    ILogger<FinishDatasetRankingConsumer> logger) : IConsumer<FinishDatasetRanking>
{
    public async Task Consume(ConsumeContext<FinishDatasetRanking> context)
    {
        var (message, ct) = (context.Message, context.CancellationToken);
        var job = await catalog.RequireJobAsync(message.JobId, ct);
        var recorded = QuantileRounds.Recorded(job);
        var goOn = context.IsRepeat(); // FinishOnce: the one that records the round, or a repeat, goes on
        if (recorded.Count < message.Round) throw new PermanentFailureException($"ranking round {message.Round} of version {job.Version} came before round {recorded.Count}");
        if (recorded.Count == message.Round)
        {
            var round = QuantileRounds.Of(Recipe.Parse(job.RecipeText, job.RecipeName))[message.Round];
            var rankings = await catalog.RankingsAsync(job.Id, message.Round, ct);
            var parts = JobInputs.Parts(job).Count;
            if (rankings.Count != parts) throw new PermanentFailureException($"ranking round {message.Round} of version {job.Version} has {rankings.Count} of {parts} parts");
            var files = rankings.Select(r => JsonSerializer.Deserialize<List<ObjectRef>>(r.FilesJson)!).ToList();
            var ranked = new List<RankedQuantile>();
            for (var q = 0; q < round.Quantiles.Count; q++)
                ranked.Add(await merger.ThresholdAsync(round.Quantiles[q], files.Select(f => f[q]).ToList(), ct));
            if (await catalog.RecordQuantilesAsync(job.Id, job.QuantilesJson, JsonSerializer.Serialize(recorded.Append(ranked)), ct))
            {
                goOn = true;
                logger.LogInformation("Dataset {Dataset}@{Version}: ranking round {Round} gives {Thresholds}", job.Dataset, job.Version, message.Round,
                    string.Join(", ", round.Quantiles.Zip(ranked, (x, r) => $"{(x.Top ? "top" : "bottom")} {x.Percent}% by {x.Signal} at {r.Threshold} of {r.Ranked}")));
            }
            job = await catalog.FindJobAsync(job.Id, ct) ?? job;
        }
        if (goOn) await steps.ContinueAsync(context, job, message.RequestId, StepCaller.SendMissing, ct);
    }
}

/// <summary>Queue curation-finish-dataset-ranking.</summary>
public sealed class FinishDatasetRankingConsumerDefinition : ConsumerDefinition<FinishDatasetRankingConsumer>
{
    public FinishDatasetRankingConsumerDefinition() => EndpointName = CommandQueues.FinishDatasetRanking;
}
