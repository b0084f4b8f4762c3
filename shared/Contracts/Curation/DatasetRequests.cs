using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Options;

namespace Refinery.Contracts.Curation;

/// <summary>The checks of a <see cref="CreateDatasetVersion"/> request both the gateway and the service apply. Whether
/// the recipe parses is the service's to say (it owns the recipe language).</summary>
public static class DatasetRequests
{
    public static Dictionary<string, string> Problems(CreateDatasetVersion request)
    {
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        if (CorpusNames.Problem(request.Dataset) is { } name) problems["dataset"] = name;
        if (request.Corpora is not { Count: > 0 }) problems["corpora"] = "name at least one corpus";
        else if (request.Corpora.Select(CorpusNames.Problem).FirstOrDefault(p => p is not null) is { } corpus) problems["corpora"] = corpus;
        else if (request.Corpora.Distinct().Count() != request.Corpora.Count) problems["corpora"] = "names a corpus twice";
        if (string.IsNullOrWhiteSpace(request.Recipe)) problems["recipe"] = "name a built-in recipe or give a recipe's text";
        else if (request.Recipe.Length > 65_536) problems["recipe"] = "at most 64 KiB";
        if (request.RecipeName is { } recipeName && (recipeName.Length is 0 or > 64
                || !recipeName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            problems["recipeName"] = "1 to 64 letters, digits, '-', '_' or '.'";
        if (!Enum.IsDefined(request.Tokenizer)) problems["tokenizer"] = $"must be {OptionValues<TokenizerKind>.Expected}";
        if (request.ValidationFraction is < 0 or >= 1) problems["validationFraction"] = "must be in [0, 1)";
        if (ConfigTags.Problem(request.SignalsConfig) is { } tag) problems["signalsConfig"] = tag;
        if (request.Description is { Length: > 4000 }) problems["description"] = "at most 4000 characters";
        return problems;
    }

    public static Dictionary<string, string> Problems(CreateDatasetMixture request)
    {
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        if (CorpusNames.Problem(request.Dataset) is { } name) problems["dataset"] = name;
        if (request.Components is not { Count: > 0 }) problems["components"] = "name at least one dataset version";
        else if (request.Components.FirstOrDefault(c => CorpusNames.Problem(c.Dataset) is not null || !IsVersion(c.Version) || c.Weight is not (> 0 and < double.PositiveInfinity)) is { } bad)
            problems["components"] = $"{bad.Dataset}@{bad.Version} (weight {bad.Weight}): a dataset name, a version of 12 hex digits and a positive weight";
        else if (request.Components.Select(c => (c.Dataset, c.Version)).Distinct().Count() != request.Components.Count) problems["components"] = "names a version twice";
        if (request.TokenBudget is < 1 or > 1_000_000_000_000) problems["tokenBudget"] = "must be between 1 and 10^12";
        if (request.Description is { Length: > 4000 }) problems["description"] = "at most 4000 characters";
        return problems;
    }

    public static bool IsVersion(string version) => version.Length == 12 && version.All(char.IsAsciiHexDigitLower);
}
