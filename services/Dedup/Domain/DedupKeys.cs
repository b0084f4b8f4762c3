using System.Globalization;

namespace Refinery.Dedup.Domain;

/// <summary>Object keys the dedup service owns (DESIGN §6), deterministic in corpus, configuration and partition.</summary>
public static class DedupKeys
{
    /// <summary>"rpv2-0.8": the signals configuration the bands come from and the threshold.</summary>
    public static string Config(string signalsConfig, double threshold) =>
        $"{signalsConfig}-{threshold.ToString("0.0#", CultureInfo.InvariantCulture)}";

    public static string Clusters(string corpus, string config) => $"dedup/{corpus}/{config}/clusters.parquet";

    public static string Edges(string corpus, string config, int partition) => $"dedup/{corpus}/{config}/edges/{partition:D5}.bin";

    public static string SignalsPrefix(string corpus) => $"signals/{corpus}/";

    public static string DocsPrefix(string corpus) => $"docs/{corpus}/";
}
