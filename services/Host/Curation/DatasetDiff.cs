using System.Text.Json;
using Refinery.Curation.Pipeline;
using Refinery.Storage;

namespace Refinery.Host.Curation;

/// <summary>`refinery dataset diff A B`: two versions' recipes and counts per rule side by side, and the documents
/// each has that the other lacks (by id).</summary>
public static class DatasetDiff
{
    public sealed record RuleRow(string Name, long? RemovedInA, long? RemovedInB);

    public sealed record Summary(string A, string B, long DocumentsA, long DocumentsB, long TokensA, long TokensB, IReadOnlyList<RuleRow> Rules,
        IReadOnlyList<string> Added, IReadOnlyList<string> Removed, bool SameRecipe);

    public static async Task<Summary> RunAsync(IObjectStore store, string a, string b, CancellationToken ct)
    {
        var left = await VersionReader.OpenAsync(store, a, ct);
        var right = await VersionReader.OpenAsync(store, b, ct);
        var leftIds = await IdsAsync(store, left, ct);
        var rightIds = await IdsAsync(store, right, ct);
        var leftSet = leftIds.ToHashSet(StringComparer.Ordinal);
        var rightSet = rightIds.ToHashSet(StringComparer.Ordinal);
        var leftRules = Rules(left);
        var rightRules = Rules(right);
        var names = leftRules.Keys.Concat(rightRules.Keys.Where(n => !leftRules.ContainsKey(n))).ToList();
        return new Summary(a, b, leftIds.Count, rightIds.Count, Tokens(left), Tokens(right),
            names.Select(n => new RuleRow(n, leftRules.TryGetValue(n, out var x) ? x : null, rightRules.TryGetValue(n, out var y) ? y : null)).ToList(),
            rightIds.Where(id => !leftSet.Contains(id)).ToList(), leftIds.Where(id => !rightSet.Contains(id)).ToList(),
            left.Root.GetProperty("recipe").GetProperty("sha256").GetString() == right.Root.GetProperty("recipe").GetProperty("sha256").GetString());
    }

    private static async Task<List<string>> IdsAsync(IObjectStore store, ManifestReader.VerifiedManifest manifest, CancellationToken ct)
    {
        var ids = new List<string>();
        await foreach (var document in VersionReader.DocumentsAsync(store, manifest, ct)) ids.Add(document.GetProperty("id").GetString()!);
        return ids;
    }

    private static Dictionary<string, long> Rules(ManifestReader.VerifiedManifest manifest) =>
        manifest.Root.GetProperty("counts").GetProperty("rules").EnumerateArray()
            .ToDictionary(r => r.GetProperty("name").GetString()!, r => r.GetProperty("removed_documents").GetInt64(), StringComparer.Ordinal);

    private static long Tokens(ManifestReader.VerifiedManifest manifest) =>
        manifest.Root.GetProperty("tokens") is var t ? t.GetProperty("train").GetInt64() + t.GetProperty("validation").GetInt64() : 0;

    public static string ToJson(Summary s, int examples) => JsonSerializer.Serialize(new
    {
        a = s.A, b = s.B, documents_a = s.DocumentsA, documents_b = s.DocumentsB, tokens_a = s.TokensA, tokens_b = s.TokensB,
        same_recipe = s.SameRecipe,
        rules = s.Rules.Select(r => new { name = r.Name, removed_a = r.RemovedInA, removed_b = r.RemovedInB }),
        added = s.Added.Count, removed = s.Removed.Count, added_ids = s.Added.Take(examples), removed_ids = s.Removed.Take(examples),
    });
}
