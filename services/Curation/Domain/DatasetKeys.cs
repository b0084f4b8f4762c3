namespace Refinery.Curation.Domain;

/// <summary>Object keys of a dataset version (DESIGN §6): everything under <c>datasets/{name}/{version}/</c>.</summary>
public static class DatasetKeys
{
    public static string Root(string dataset, string version) => $"datasets/{dataset}/{version}/";

    public static string Documents(int part) => $"documents/{part:D5}.jsonl.zst";

    public static string Tokens(int part) => $"tokens/{part:D5}.bin";

    public static string Validation(int part) => $"validation/{part:D5}.bin";

    /// <summary>The sorted values one part contributes to a quantile condition of a ranking round (little-endian float64).</summary>
    public static string Ranks(int round, int quantile, int part) => $"ranks/{round}.{quantile}/{part:D5}.f64";

    public const string Manifest = "manifest.json", Datasheet = "datasheet.md", Stats = "stats.json";

    public static string Histogram(string signal) => $"stats/{signal}.svg";

    /// <summary>Where the Dedup service writes a corpus's default clusters at a threshold.</summary>
    public static string Clusters(string corpus, string signalsConfig, double threshold) =>
        $"dedup/{corpus}/{signalsConfig}-{threshold.ToString("0.0#", System.Globalization.CultureInfo.InvariantCulture)}/clusters.parquet";
}
