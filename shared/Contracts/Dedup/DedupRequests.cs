using System.Globalization;
using System.Text.RegularExpressions;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Options;

namespace Refinery.Contracts.Dedup;

/// <summary>The options of a <see cref="DeduplicateCorpus"/> request, checked in one place for the gateway and the
/// service.</summary>
public static partial class DedupRequests
{
    public const string KeepFirst = "first", KeepLongest = "longest";

    [GeneratedRegex("^(max|min):([a-z][a-z0-9_]{0,63})$")]
    private static partial Regex SignalKeep();

    /// <summary>For "max:S" or "min:S": whether the highest value wins, and the signal S; null for first and longest.</summary>
    public static (bool Highest, string Signal)? SignalOf(string keep) =>
        SignalKeep().Match(keep) is { Success: true } m ? (m.Groups[1].Value == "max", m.Groups[2].Value) : null;

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
        if (request.Keep is not (KeepFirst or KeepLongest) && SignalOf(request.Keep) is null)
            problems["keep"] = "must be first, longest, max:SIGNAL or min:SIGNAL";
        return problems;
    }
}
