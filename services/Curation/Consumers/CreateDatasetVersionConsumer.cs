using MassTransit;
using Microsoft.Extensions.Logging;
using Refinery.Contracts;
using Refinery.Contracts.Curation;
using Refinery.Contracts.Dedup;
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
/// not yet written). A version already created only announces itself again.</summary>
public sealed class CreateDatasetVersionConsumer(IObjectStore store, CurationCatalog catalog, VersionSteps steps, TimeProvider clock,
    ILogger<CreateDatasetVersionConsumer> logger) : IConsumer<CreateDatasetVersion>
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
            var shards = await CorpusObjects.ListAsync(store, corpus, message.SignalsConfig, ct);
            if (shards.Count == 0) throw new PermanentFailureException($"corpus '{corpus}' has no document shards");
            if (shards.FirstOrDefault(s => s.Signals is null) is { } missing)
                throw new InvalidOperationException($"corpus '{corpus}' has no {message.SignalsConfig} signals for shard {missing.Shard} yet");
            parts.AddRange(shards.Select(s => new PartInput(corpus, s.Shard, s.Documents, s.Signals!)));
            foreach (var threshold in ClusterThresholds(recipe))
            {
                var key = DedupKeys.Clusters(corpus, DedupOutputs.Config(message.SignalsConfig, threshold));
                var info = await store.StatAsync(key, ct)
                           ?? throw new PermanentFailureException($"recipe {recipe.Name} reads duplicates at {threshold} but corpus '{corpus}' has no {key}: deduplicate it first");
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
