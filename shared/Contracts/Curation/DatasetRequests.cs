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

    /// <summary>How many times a mixture may take a component's training tokens unless configured otherwise
    /// (<see cref="MaxMixtureEpochsKey"/>): repeating data is normal, but a budget far past the data is a mistake, and
    /// the work it asks for grows with it.</summary>
    public const int DefaultMaxMixtureEpochs = 16;

    /// <summary>The configuration key of the epoch limit, read by every process that checks a mixture.</summary>
    public const string MaxMixtureEpochsKey = "Refinery:Curation:MaxMixtureEpochs";

    /// <summary>Each component's share of the budget: the budget split by the weights, rounded to whole tokens.</summary>
    public static long ShareOf(CreateDatasetMixture request, MixtureComponent component) =>
        (long)Math.Round(request.TokenBudget * component.Weight / request.Components.Sum(c => c.Weight));

    /// <summary>Whether the budget asks more of some component than <paramref name="maxEpochs"/> passes over its
    /// training tokens (<paramref name="trainingTokens"/>, by component); null when every share fits.</summary>
    public static string? BudgetProblem(CreateDatasetMixture request, Func<MixtureComponent, long> trainingTokens, int maxEpochs)
    {
        foreach (var component in request.Components)
        {
            var (share, tokens) = (ShareOf(request, component), trainingTokens(component));
            if (share > 0 && (tokens <= 0 || share > tokens * (double)maxEpochs))
                return $"{component.Dataset}@{component.Version}'s share is {share:N0} tokens, more than {maxEpochs} epochs of its " +
                       $"{tokens:N0} training tokens; lower the budget or its weight (at most {MaxBudget(request, trainingTokens, maxEpochs):N0} tokens)";
        }
        return null;
    }

    /// <summary>The largest budget whose every share fits <paramref name="maxEpochs"/> passes.</summary>
    private static long MaxBudget(CreateDatasetMixture request, Func<MixtureComponent, long> trainingTokens, int maxEpochs)
    {
        var total = request.Components.Sum(c => c.Weight);
        return (long)request.Components.Min(c => trainingTokens(c) * (double)maxEpochs * total / c.Weight);
    }

    public static bool IsVersion(string version) => version.Length == 12 && version.All(char.IsAsciiHexDigitLower);
}
