using System.Globalization;
using Refinery.Contracts.Options;

namespace Refinery.Contracts.Dedup;

/// <summary>What a <see cref="DeduplicateCorpus"/> request names: RPv2's thresholds (the bands signal shards store),
/// the output's configuration tag (its clusters file is <see cref="DedupKeys.Clusters"/>). The gateway tells the caller; the service writes there.</summary>
public static class DedupOutputs
{
    public static readonly IReadOnlyList<double> Thresholds = [0.7, 0.8, 0.9, 1.0];

    /// <summary>The threshold of a request that names none: RPv2's usual choice.</summary>
    public const double DefaultThreshold = 0.8;

    /// <summary>"rpv2-0.8": the signals configuration the bands come from and the threshold.</summary>
    public static string Config(string signalsConfig, double threshold) =>
        $"{signalsConfig}-{threshold.ToString("0.0#", CultureInfo.InvariantCulture)}";

    /// <summary>The tag of a request's output: <see cref="Config(string,double)"/> for the defaults (exact set, keep
    /// first), followed by what differs, e.g. "rpv2-0.8-bloom0.001-verify-keep-max-rps_doc_word_count", so requests with other
    /// options never write over each other's clusters.</summary>
    public static string Config(DeduplicateCorpus request)
    {
        var tag = Config(request.SignalsConfig, request.Threshold);
        if (request.Exact == ExactMode.Bloom)
            tag += $"-bloom{Canonical(request.FalsePositiveRate)}";
        else if (request.Exact != ExactMode.Set) tag += $"-{OptionValues<ExactMode>.NameOf(request.Exact)}";
        if (request.Exact != ExactMode.None && request.ExactKey != ExactKeyKind.Normalized) tag += $"-{OptionValues<ExactKeyKind>.NameOf(request.ExactKey)}";
        if (request.Verify) tag += "-verify";
        if (request.Keep.Kind != KeepKind.First) tag += $"-keep-{request.Keep.ToString().Replace(':', '-')}";
        return tag;
    }

    /// <summary>The shortest text that reads back as exactly <paramref name="value"/> ("0.001", "1.1e-06", "1e-300"), so
    /// two different rates never share a tag, and one rate has one tag.</summary>
    private static string Canonical(double value) => value.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant();
}
