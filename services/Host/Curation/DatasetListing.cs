using System.Text.Json;
using Refinery.Contracts.Curation;
using Refinery.Contracts.Ingestion;
using Refinery.Curation.Domain;
using Refinery.Storage;

namespace Refinery.Host.Curation;

/// <summary>`refinery dataset list [NAME]`: the finished versions in the store (a version is finished when its manifest
/// exists), oldest first, from their manifests: when created, the recipe or the mixture, documents and tokens.</summary>
public static class DatasetListing
{
    public sealed record Entry(string Dataset, string Version, string Created, string Recipe, long? DocumentsIn, long DocumentsOut, long Tokens,
        long ValidationTokens, bool Mixture);

    public static async Task<List<Entry>> RunAsync(IObjectStore store, string? dataset, CancellationToken ct)
    {
        if (dataset is not null && CorpusNames.Problem(dataset) is { } problem) throw new ArgumentException($"dataset name '{dataset}': {problem}");
        var entries = new List<Entry>();
        await foreach (var info in store.ListAsync(dataset is null ? DatasetKeys.AllPrefix : DatasetKeys.Prefix(dataset), ct))
        {
            if (DatasetKeys.ManifestOf(info.Key) is not (var name, var version)) continue;
            await using var stream = await store.OpenReadAsync(info.Key, ct);
            using var manifest = await JsonDocument.ParseAsync(stream, cancellationToken: ct);
            var root = manifest.RootElement;
            var mixture = root.TryGetProperty("mixture", out _);
            var counts = root.TryGetProperty("counts", out var c) ? c : (JsonElement?)null;
            var tokens = root.GetProperty("tokens");
            entries.Add(new Entry(name, version, root.GetProperty("created").GetString()!,
                mixture ? "(mixture)" : root.GetProperty("recipe").GetProperty("name").GetString()!,
                counts?.GetProperty("documents_in").GetInt64(),
                counts?.GetProperty("documents_out").GetInt64() ?? root.GetProperty("files").EnumerateArray()
                    .Where(f => f.GetProperty("path").GetString()!.StartsWith(DatasetKeys.DocumentsFolder, StringComparison.Ordinal)).Sum(f => f.GetProperty("documents").GetInt64()),
                tokens.GetProperty("train").GetInt64(), tokens.GetProperty("validation").GetInt64(), mixture));
        }
        return entries.OrderBy(e => e.Created, StringComparer.Ordinal).ThenBy(e => e.Dataset, StringComparer.Ordinal).ToList();
    }
}
