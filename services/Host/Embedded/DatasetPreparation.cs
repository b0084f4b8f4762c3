using System.Globalization;
using Refinery.Contracts;
using Refinery.Contracts.Curation;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Signals;
using Refinery.Curation.Recipes;
using Refinery.Storage;

namespace Refinery.Host.Embedded;

/// <summary>Cuts a dataset version on the embedded platform, first supplying the signal shards a previous process did not
/// finish (their shards are announced to the Signals service again). The dedup clusters the recipe's duplicate(…)
/// conditions read are asked for by the Curation service, as for a request through the gateway.</summary>
public static class DatasetPreparation
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(30);

    public static async Task<DatasetVersionCreated> CreateAsync(EmbeddedPlatform platform, CreateDatasetVersion request, Action<string> progress,
        CancellationToken ct)
    {
        var recipe = Recipe.BuiltInNames.Contains(request.Recipe) ? Recipe.Load(request.Recipe) : Recipe.Parse(request.Recipe, "recipe");
        // The dedup clusters the recipe reads are asked for by the Curation service itself (the version waits for them).
        foreach (var corpus in request.Corpora) await EnsureSignalsAsync(platform, corpus, request.SignalsConfig, progress, ct);
        progress($"cutting {request.Dataset} with {recipe.Name}");
        return await EventAwaiter.RequestAsync<CreateDatasetVersion, DatasetVersionCreated, DatasetVersionFailed>(platform.Bus,
            CommandQueues.CreateDatasetVersion, request, e => e.Dataset == request.Dataset,
            f => f.Dataset != request.Dataset ? null : f.Version.Length > 0 ? $"{f.Dataset}@{f.Version}: {f.Reason}" : $"{f.Dataset}: {f.Reason}",
            Patience, ct, faulted => faulted.Dataset == request.Dataset);
    }

    private static async Task EnsureSignalsAsync(EmbeddedPlatform platform, string corpus, string signalsConfig, Action<string> progress,
        CancellationToken ct)
    {
        var shards = await CorpusObjects.ListAsync(platform.Store, corpus, signalsConfig, ct);
        if (shards.Count == 0) throw new InvalidOperationException($"corpus '{corpus}' has no documents here; ingest it first (refinery ingest)");
        var id = CorpusNames.IdOf(corpus);
        foreach (var shard in shards.Where(s => s.Signals is null))
        {
            if (!int.TryParse(shard.Shard, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                throw new InvalidDataException($"{shard.Documents.Key} is not a numbered shard");
            progress($"computing signals of {corpus} shard {number}");
            await EventAwaiter.PublishAsync<CorpusShardIngested, ShardSignalsComputed>(platform.Bus,
                new CorpusShardIngested { CorpusId = id, Corpus = corpus, Shard = number, Documents = shard.Documents, DocumentCount = 0 },
                e => e.CorpusId == id && e.Shard == number, Patience, ct);
        }
    }
}
