using System.Globalization;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Options;

namespace Refinery.Contracts.Dedup;

/// <summary>The options of a <see cref="DeduplicateCorpus"/> request, checked in one place for the gateway and the
/// service.</summary>
public static class DedupRequests
{
    /// <summary>The longest config tag (<see cref="DedupOutputs.Config(DeduplicateCorpus)"/>): the column that holds it.</summary>
    public const int MaxConfigLength = 128;

    /// <summary>Every problem of the request's options, by field name (empty when acceptable). Whether a signal of
    /// "max:S" exists is the service's to check: it knows the signal catalog.</summary>
    public static Dictionary<string, string> Problems(DeduplicateCorpus request)
    {
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        if (CorpusNames.Problem(request.Corpus) is { } corpus) problems["corpus"] = corpus;
        if (!DedupOutputs.Thresholds.Contains(request.Threshold))
            problems["threshold"] = $"must be one of {string.Join(", ", DedupOutputs.Thresholds.Select(t => t.ToString(CultureInfo.InvariantCulture)))}";
        if (ConfigTags.Problem(request.SignalsConfig) is { } tag) problems["signalsConfig"] = tag;
        // A value the JSON convention could not read never gets here; one set in code out of range does.
        if (!Enum.IsDefined(request.Exact)) problems["exact"] = $"must be {OptionValues<ExactMode>.Expected}";
        if (!Enum.IsDefined(request.ExactKey)) problems["exactKey"] = $"must be {OptionValues<ExactKeyKind>.Expected}";
        if (request.FalsePositiveRate is not (> 0 and < 1)) problems["falsePositiveRate"] = "must be between 0 and 1, exclusive";
        if (request.Keep.Problem is { } keep) problems["keep"] = keep;
        // Each option is within its own limits, but together they name the request's outputs and its status row.
        if (problems.Count == 0 && DedupOutputs.Config(request) is { Length: > MaxConfigLength } config)
            problems[request.Keep.BySignal ? "keep" : "signalsConfig"] =
                $"the options make a config tag of {config.Length} characters ('{config}'), more than {MaxConfigLength}; name a shorter signal or signals config";
        return problems;
    }
}
