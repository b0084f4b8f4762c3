using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Refinery.Contracts;
using Refinery.Contracts.Curation;
using Refinery.Contracts.Options;
using Refinery.Curation.Data;
using Refinery.Curation.Domain;
using Refinery.Curation.Options;
using Refinery.Curation.Pipeline;
using Refinery.Hosting.Bus;
using Refinery.Storage;

namespace Refinery.Curation.Consumers;

/// <summary>Builds a mixture version from finished versions (one work item: it reads only their token shards and
/// documents) and announces it with <see cref="DatasetVersionCreated"/>; a mixture already built only announces itself again.</summary>
public sealed class CreateDatasetMixtureConsumer(MixtureBuilder builder, CurationCatalog catalog, IObjectStore store, TimeProvider clock,
    IOptions<CurationOptions> options, ILogger<CreateDatasetMixtureConsumer> logger) : IConsumer<CreateDatasetMixture>
{
    public async Task Consume(ConsumeContext<CreateDatasetMixture> context)
    {
        var (message, ct) = (context.Message, context.CancellationToken);
        if (DatasetRequests.Problems(message) is { Count: > 0 } problems)
            throw new PermanentFailureException(string.Join("; ", problems.Select(p => $"{p.Key}: {p.Value}")));
        var inputs = new List<(MixtureComponent, ObjectRef)>();
        var tokenizers = new HashSet<TokenizerKind>();
        var tokens = new Dictionary<MixtureComponent, long>();
        foreach (var component in message.Components)
        {
            var version = await catalog.FindVersionAsync(component.Dataset, component.Version, ct);
            if (version is not { Status: DatasetJobStatus.Done })
                throw new PermanentFailureException($"no finished dataset version {component.Dataset}@{component.Version}");
            tokenizers.Add(version.Tokenizer);
            tokens[component] = version.Tokens;
            inputs.Add((component, new ObjectRef { Bucket = store.Bucket, Key = version.ManifestKey!, Sha256 = version.ManifestSha256!, Length = version.ManifestLength }));
        }
        // Checked before any work: the work's time grows with the budget, so the budget is bounded by the data.
        if (DatasetRequests.BudgetProblem(message, c => tokens[c], options.Value.MaxMixtureEpochs) is { } budget)
            throw new PermanentFailureException($"tokenBudget: {budget}");
        if (tokenizers.Count > 1) throw new PermanentFailureException($"the components were tokenized differently ({string.Join(", ", tokenizers.Select(OptionValues<TokenizerKind>.NameOf))})");

        var text = new StringBuilder($"mixture {message.Dataset}\nbudget {message.TokenBudget}\nseed {message.Seed}\ndescription {message.Description}\n");
        foreach (var (component, manifest) in inputs)
            text.Append(CultureInfo.InvariantCulture, $"component {component.Dataset}@{component.Version} {manifest.Sha256} {component.Weight:R}\n");
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
        var summary = string.Join(", ", message.Components.Select(c => $"{c.Dataset}@{c.Version} × {c.Weight.ToString("G4", CultureInfo.InvariantCulture)}"));
        var job = await catalog.AddJobAsync(new DatasetJob
        {
            Id = new Guid(hash[..16]), Dataset = message.Dataset, Version = Convert.ToHexStringLower(hash)[..12], RecipeName = "mixture",
            RecipeText = $"# mixture of {summary}; {message.TokenBudget} tokens, seed {message.Seed}", RecipeSha256 = Convert.ToHexStringLower(hash),
            Tokenizer = tokenizers.Single(), Description = message.Description, CreatedAt = clock.GetUtcNow().UtcDateTime,
        }, ct);
        if (job.Status != DatasetJobStatus.Done)
        {
            job = await builder.BuildAsync(job, message, inputs, clock.GetUtcNow().UtcDateTime, ct);
            await catalog.FinishJobAsync(job, ct);
            logger.LogInformation("Mixture {Dataset}@{Version}: {Tokens} tokens from {Components}", job.Dataset, job.Version, job.Tokens, summary);
            job = await catalog.FindJobAsync(job.Id, ct) ?? job;
        }
        await context.Publish(job.ToEvent(store.Bucket, message.RequestId), ct);
    }
}

/// <summary>Queue curation-create-dataset-mixture.</summary>
public sealed class CreateDatasetMixtureConsumerDefinition : ConsumerDefinition<CreateDatasetMixtureConsumer>
{
    public CreateDatasetMixtureConsumerDefinition() => EndpointName = CommandQueues.CreateDatasetMixture;
}
