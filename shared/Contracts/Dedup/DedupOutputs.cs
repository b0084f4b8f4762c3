using System.Globalization;

namespace Refinery.Contracts.Dedup;

/// <summary>What a <see cref="DeduplicateCorpus"/> request names: RPv2's thresholds (the bands signal shards store),
/// the output's configuration tag and the key of its clusters file. The gateway tells the caller; the service writes there.</summary>
public static class DedupOutputs
{
    public static readonly IReadOnlyList<double> Thresholds = [0.7, 0.8, 0.9, 1.0];

    /// <summary>"rpv2-0.8": the signals configuration the bands come from and the threshold.</summary>
    public static string Config(string signalsConfig, double threshold) =>
        $"{signalsConfig}-{threshold.ToString("0.0#", CultureInfo.InvariantCulture)}";

    public static string ClustersKey(string corpus, string config) => $"dedup/{corpus}/{config}/clusters.parquet";
}
