namespace Refinery.Contracts.Curation;

/// <summary>Object keys of dataset versions (DESIGN §6), defined once for the producer and every reader: everything
/// under <c>datasets/{name}/{version}/</c>. The relative names are what a manifest lists.</summary>
public static class DatasetKeys
{
    public const string AllPrefix = "datasets/";

    public static string Prefix(string dataset) => $"datasets/{dataset}/";

    public static string Root(string dataset, string version) => $"datasets/{dataset}/{version}/";

    /// <summary>The folders of a version's parts, as relative names in its manifest: kept documents, training tokens and
    /// validation tokens.</summary>
    public const string DocumentsFolder = "documents/", TokensFolder = "tokens/", ValidationFolder = "validation/";

    public static string Documents(int part) => $"{DocumentsFolder}{part:D5}.jsonl.zst";

    public static string Tokens(int part) => $"{TokensFolder}{part:D5}.bin";

    public static string Validation(int part) => $"{ValidationFolder}{part:D5}.bin";

    /// <summary>The sorted values one part contributes to a quantile condition of a ranking round (little-endian float64).</summary>
    public static string Ranks(int round, int quantile, int part) => $"{RanksFolder}{round}.{quantile}/{part:D5}.f64";

    public const string Manifest = "manifest.json", Datasheet = "datasheet.md", Stats = "stats.json";

    public static string Histogram(string signal) => $"stats/{signal}.svg";

    /// <summary>A file of a version by its relative name (<see cref="Manifest"/>, <see cref="Tokens"/>, …).</summary>
    public static string Of(string dataset, string version, string relative) => Root(dataset, version) + relative;

    /// <summary>The version whose manifest <paramref name="key"/> is, or null for any other key (a part's folder holds
    /// no manifest).</summary>
    public static DatasetVersionKey? ManifestOf(string key) =>
        VersionFileOf(key) is ({ } version, Manifest) ? version : null;

    /// <summary>The version whose ranking file (<see cref="Ranks"/>) <paramref name="key"/> is, or null for any other key.</summary>
    public static DatasetVersionKey? RanksOf(string key) =>
        VersionFileOf(key) is ({ } version, { } relative) && relative.StartsWith(RanksFolder, StringComparison.Ordinal)
        && relative[RanksFolder.Length..].Split('/') is [_, var file] && file.EndsWith(".f64", StringComparison.Ordinal)
            ? version
            : null;

    private const string RanksFolder = "ranks/";

    /// <summary>A key under <see cref="AllPrefix"/> split into its version and the file's relative name.</summary>
    private static (DatasetVersionKey? Version, string? Relative) VersionFileOf(string key)
    {
        if (!key.StartsWith(AllPrefix, StringComparison.Ordinal)) return (null, null);
        var parts = key[AllPrefix.Length..].Split('/', 3);
        return parts is [var dataset, var version, var relative] && dataset.Length > 0 && version.Length > 0
            ? (new DatasetVersionKey(dataset, version), relative)
            : (null, null);
    }
}

/// <summary>A dataset version named by the keys of its files.</summary>
public sealed record DatasetVersionKey(string Dataset, string Version);
