namespace Refinery.Contracts.Curation;

/// <summary>Object keys of dataset versions (DESIGN §6), defined once for the producer and every reader: everything
/// under <c>datasets/{name}/{version}/</c>. The relative names are what a manifest lists.</summary>
public static class DatasetKeys
{
    public const string AllPrefix = "datasets/";

    public static string Prefix(string dataset) => $"datasets/{dataset}/";

    public static string Root(string dataset, string version) => $"datasets/{dataset}/{version}/";

    public static string Documents(int part) => $"documents/{part:D5}.jsonl.zst";

    public static string Tokens(int part) => $"tokens/{part:D5}.bin";

    public static string Validation(int part) => $"validation/{part:D5}.bin";

    /// <summary>The sorted values one part contributes to a quantile condition of a ranking round (little-endian float64).</summary>
    public static string Ranks(int round, int quantile, int part) => $"ranks/{round}.{quantile}/{part:D5}.f64";

    public const string Manifest = "manifest.json", Datasheet = "datasheet.md", Stats = "stats.json";

    public static string Histogram(string signal) => $"stats/{signal}.svg";

    /// <summary>A file of a version by its relative name (<see cref="Manifest"/>, <see cref="Tokens"/>, …).</summary>
    public static string Of(string dataset, string version, string relative) => Root(dataset, version) + relative;
}
