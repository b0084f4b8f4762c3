using MassTransit;
using Microsoft.Extensions.Logging;
using Refinery.Contracts;
using Refinery.Contracts.Curation;
using Refinery.Contracts.Dedup;
using Refinery.Contracts.Jobs;
using Refinery.Curation.Data;
using Refinery.Curation.Domain;
using Refinery.Curation.Pipeline;
using Refinery.Curation.Recipes;
using Refinery.Hosting.Bus;
using Refinery.Hosting.Jobs;
using Refinery.Storage;

namespace Refinery.Curation.Consumers;

/// <summary>Resolves a version request into its inputs (the corpora's document and signal shards, the dedup clusters
/// its recipe's duplicate(…) conditions read), names the version by their hash, and sends what it still needs
/// (<see cref="VersionSteps"/>: ranking rounds for quantile rules, then one <see cref="CurateDatasetPart"/> per shard
/// not yet written). A version already created only announces itself again. Inputs not there yet (a corpus still being
/// ingested, its signals, clusters not made yet) are waited for without holding the delivery (<see cref="CurationWaits"/>): the request is sent
/// again when they come, and checks them all again. Clusters nobody has made yet are asked of the Dedup service by the
/// version itself, so a recipe that reads duplicates never waits for a dedup that was never requested.</summary>
public sealed class CreateDatasetVersionConsumer(IObjectStore store, CurationCatalog catalog, VersionSteps steps, JobWaits<CurationDbContext> waits,
    TimeProvider clock, ILogger<CreateDatasetVersionConsumer> logger) : IConsumer<CreateDatasetVersion>
{
    public async Task Consume(ConsumeContext<CreateDatasetVersion> context)
    {
        var (message, ct) = (context.Message, context.CancellationToken);
        if (DatasetRequests.Problems(message) is { Count: > 0 } problems)
            throw new PermanentFailureException(string.Join("; ", problems.Select(p => $"{p.Key}: {p.Value}")));
        var recipe = ResolveRecipe(message.Recipe, message.RecipeName);

        var parts = new List<PartInput>();
        var clusters = new List<ClustersInput>();
        foreach (var corpus in message.Corpora)
        {
            if (await CorpusIngestionWaits.MustWaitAsync(store, corpus, ct))
            {
                await WaitAsync(context, CorpusIngestionWaits.ForIngestion(store, corpus));
                return;
            }
            var shards = await CorpusObjects.ListAsync(store, corpus, message.SignalsConfig, ct);
            if (shards.Count == 0) throw new PermanentFailureException($"corpus '{corpus}' has no document shards");
            if (shards.Any(s => s.Signals is null))
            {
                await WaitAsync(context, CurationWaits.ForSignals(store, corpus, message.SignalsConfig));
                return;
            }
            parts.AddRange(shards.Select(s => new PartInput(corpus, s.Shard, s.Documents, s.Signals!)));
            foreach (var threshold in ClusterThresholds(recipe))
            {
                var config = DedupOutputs.Config(message.SignalsConfig, threshold);
                var key = DedupKeys.Clusters(corpus, config);
                if (await store.StatAsync(key, ct) is not { } info)
                {
                    // The clusters the recipe reads are those of a dedup with the default options at this threshold, so
                    // the version asks for it rather than wait for one nobody may ever request. Dedup requests are
                    // idempotent: one already under way or done only announces itself again.
                    var dedup = await context.GetSendEndpoint(new Uri($"queue:{CommandQueues.DeduplicateCorpus}"));
                    await dedup.Send(new DeduplicateCorpus { Corpus = corpus, Threshold = threshold, SignalsConfig = message.SignalsConfig }, ct);
                    await WaitAsync(context, CurationWaits.ForClusters(store, corpus, config));
                    return;
                }
                clusters.Add(new ClustersInput(corpus, threshold, new ObjectRef { Bucket = store.Bucket, Key = key, Sha256 = info.Sha256!, Length = info.Length }));
            }
        }

        var hash = JobInputs.Hash(message, recipe.Sha256, parts, clusters);
        var job = await catalog.AddJobAsync(new DatasetJob
        {
            Id = new Guid(hash[..16]), Dataset = message.Dataset, Version = Convert.ToHexStringLower(hash)[..12],
            PartsJson = System.Text.Json.JsonSerializer.Serialize(parts), ClustersJson = System.Text.Json.JsonSerializer.Serialize(clusters),
            RecipeName = recipe.Name, RecipeText = recipe.Text, RecipeSha256 = recipe.Sha256, Tokenizer = message.Tokenizer,
            ValidationFraction = message.ValidationFraction, SignalsConfig = message.SignalsConfig, Description = message.Description,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        }, ct);
        if (job.Status == DatasetJobStatus.Done)
        {
            logger.LogInformation("Dataset {Dataset}@{Version} exists: {Key}", job.Dataset, job.Version, job.ManifestKey);
            await context.Publish(job.ToEvent(store.Bucket, message.RequestId), ct);
            return;
        }
        await steps.ContinueAsync(context, job, message.RequestId, StepCaller.SendMissing, ct);
        logger.LogInformation("Dataset {Dataset}@{Version}: {Parts} parts from {Corpora} with recipe {Recipe}", job.Dataset, job.Version,
            parts.Count, string.Join(", ", message.Corpora), recipe.Name);
    }

    /// <summary>The request waits, named by its dataset (its version has no name before its inputs are all there).</summary>
    private Task WaitAsync(ConsumeContext<CreateDatasetVersion> context, JobWait wait) =>
        waits.WaitAsync(context, new JobName(JobServices.Curation, context.Message.Dataset, RequestId: context.Message.RequestId), wait);

    /// <summary>A built-in recipe by name, else the text of a recipe; a recipe that does not parse is permanent.</summary>
    private static Recipe ResolveRecipe(string recipe, string? name)
    {
        try
        {
            return Recipe.BuiltInNames.Contains(recipe) ? Recipe.Load(recipe) : Recipe.Parse(recipe, name ?? "recipe");
        }
        catch (RecipeError ex)
        {
            throw new PermanentFailureException(ex.Message, ex);
        }
    }

    /// <summary>The thresholds whose clusters the recipe reads: those of duplicate(fuzzy, T), and for duplicate(exact)
    /// the first of them or RPv2's 0.8 (exact copies are marked in every clusters file).</summary>
    private static IEnumerable<double> ClusterThresholds(Recipe recipe)
    {
        var thresholds = recipe.Needs.FuzzyThresholds.ToList();
        if (recipe.Needs.UsesExactDuplicates && thresholds.Count == 0) thresholds.Add(0.8);
        return thresholds;
    }
}

/// <summary>Queue curation-create-dataset-version.</summary>
public sealed class CreateDatasetVersionConsumerDefinition : ConsumerDefinition<CreateDatasetVersionConsumer>
{
    public CreateDatasetVersionConsumerDefinition() => EndpointName = CommandQueues.CreateDatasetVersion;
}
