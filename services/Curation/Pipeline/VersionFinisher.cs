using System.Text;
using System.Text.Json;
using Refinery.Contracts.Curation;
using Refinery.Curation.Domain;
using Refinery.Curation.Recipes;
using Refinery.Storage;

namespace Refinery.Curation.Pipeline;

/// <summary>Adds up every part of a version and writes its statistics, histograms, datasheet and, last, its manifest:
/// a version whose manifest exists is complete.</summary>
public sealed class VersionFinisher(IObjectStore store)
{
    public async Task<DatasetJob> FinishAsync(DatasetJob job, IReadOnlyList<DatasetPart> parts, DateTime now, CancellationToken ct)
    {
        var recipe = Recipe.Parse(job.RecipeText, job.RecipeName);
        var total = PartStats.Sum(parts.OrderBy(p => p.Part).Select(p => JsonSerializer.Deserialize<PartStats>(p.StatsJson)!), recipe.Rules.Count);
        var root = DatasetKeys.Root(job.Dataset, job.Version);
        await PutTextAsync(root + DatasetKeys.Stats, VersionDocuments.Stats(total), ct);
        foreach (var (signal, bins) in total.Histograms)
            await PutTextAsync(root + DatasetKeys.Histogram(signal), VersionDocuments.Svg(signal, bins), ct);
        await PutTextAsync(root + DatasetKeys.Datasheet, VersionDocuments.Datasheet(job, recipe, total), ct);
        var manifest = await PutTextAsync(root + DatasetKeys.Manifest, VersionDocuments.Manifest(job, recipe, total), ct);
        job.ManifestKey = manifest.Key;
        job.ManifestSha256 = manifest.Sha256;
        job.ManifestLength = manifest.Length;
        job.Documents = total.Documents;
        job.KeptDocuments = total.Kept;
        job.Tokens = total.Tokens;
        job.ValidationTokens = total.ValidationTokens;
        job.FinishedAt = now;
        return job;
    }

    private Task<Contracts.ObjectRef> PutTextAsync(string key, string text, CancellationToken ct) =>
        store.PutAsync(key, new MemoryStream(Encoding.UTF8.GetBytes(text)), ct);
}
