using System.Globalization;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Names;
using Refinery.Contracts.Options;

namespace Refinery.Contracts.Dedup;

/// <summary>The options of a <see cref="DeduplicateCorpus"/> request, checked in one place for the gateway and the
/// service.</summary>
public static class DedupRequests
{
    public const string KeepFirst = "first", KeepLongest = "longest";

    /// <summary>The longest config tag (<see cref="DedupOutputs.Config(DeduplicateCorpus)"/>): the column that holds it.</summary>
    public const int MaxConfigLength = 128;

    /// <summary>For "max:S" or "min:S": whether the highest value wins, and the signal S (<see cref="NameRules.Signal"/>);
    /// null for first and longest, and for anything else.</summary>
    public static (bool Highest, string Signal)? SignalOf(string keep) =>
        keep.Length > 4 && keep[..4] is "max:" or "min:" && NameRules.Signal.Problem(keep[4..]) is null ? (keep[1] == 'a', keep[4..]) : null;

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
        if (request.Keep is not (KeepFirst or KeepLongest) && (request.Keep is null || SignalOf(request.Keep) is null))
            problems["keep"] = "must be first, longest, max:SIGNAL or min:SIGNAL";
        // Each option is within its own limits, but together they name the request's outputs and its status row.
        if (problems.Count == 0 && DedupOutputs.Config(request) is { Length: > MaxConfigLength } config)
            problems[request.Keep is KeepFirst or KeepLongest ? "signalsConfig" : "keep"] =
                $"the options make a config tag of {config.Length} characters ('{config}'), more than {MaxConfigLength}; name a shorter signal or signals config";
        return problems;
    }
}
