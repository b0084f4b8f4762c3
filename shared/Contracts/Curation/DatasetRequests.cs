using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Names;
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
        else if (request.Corpora.Count > MaxComponents) problems["corpora"] = $"at most {MaxComponents} corpora";
        else if (request.Corpora.Select((c, i) => (i, CorpusNames.Problem(c))).FirstOrDefault(p => p.Item2 is not null) is (var at, { } corpus))
            problems[$"corpora[{at}]"] = corpus;
        else if (request.Corpora.Distinct().Count() != request.Corpora.Count) problems["corpora"] = "names a corpus twice";
        if (string.IsNullOrWhiteSpace(request.Recipe)) problems["recipe"] = "name a built-in recipe or give a recipe's text";
        else if (NameRules.TextProblem(request.Recipe, "recipe", 65_536) is { } recipe) problems["recipe"] = recipe;
        if (request.RecipeName is { } recipeName && NameRules.RecipeName.Problem(recipeName) is { } recipeNameProblem)
            problems["recipeName"] = recipeNameProblem;
        if (!Enum.IsDefined(request.Tokenizer)) problems["tokenizer"] = $"must be {OptionValues<TokenizerKind>.Expected}";
        // Written so NaN fails it too (every comparison with NaN is false).
        if (request.ValidationFraction is not (>= 0 and < 1)) problems["validationFraction"] = "must be in [0, 1)";
        if (ConfigTags.Problem(request.SignalsConfig) is { } tag) problems["signalsConfig"] = tag;
        if (DescriptionProblem(request.Description) is { } description) problems["description"] = description;
        return problems;
    }

    public static Dictionary<string, string> Problems(CreateDatasetMixture request)
    {
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        if (CorpusNames.Problem(request.Dataset) is { } name) problems["dataset"] = name;
        if (request.Components is not { Count: > 0 }) problems["components"] = "name at least one dataset version";
        else if (request.Components.Count > MaxComponents) problems["components"] = $"at most {MaxComponents} components";
        else if (ComponentProblem(request.Components) is ({ } field, { } problem)) problems[field] = problem;
        else if (request.Components.Select(c => (c.Dataset, c.Version)).Distinct().Count() != request.Components.Count) problems["components"] = "names a version twice";
        if (request.TokenBudget is < 1 or > 1_000_000_000_000) problems["tokenBudget"] = "must be between 1 and 10^12";
        if (DescriptionProblem(request.Description) is { } description) problems["description"] = description;
        return problems;
    }

    /// <summary>The most components one mixture, or corpora one version, may name.</summary>
    public const int MaxComponents = 1000;

    /// <summary>The largest weight: weights are relative, so this bounds nothing a mixture needs.</summary>
    public const double MaxWeight = 1e6;

    /// <summary>The first bad component, by its field ("components[2].version"), with what is wrong; null when all are good.</summary>
    private static (string Field, string Problem)? ComponentProblem(IReadOnlyList<MixtureComponent?> components)
    {
        for (var i = 0; i < components.Count; i++)
        {
            var at = $"components[{i}]";
            if (components[i] is not { } c) return (at, "a component is an object with a dataset, a version and a weight");
            if (CorpusNames.Problem(c.Dataset) is { } name) return (at + ".dataset", name);
            if (c.Version is null || !IsVersion(c.Version)) return (at + ".version", "a version is 12 lower-case hex digits");
            // Written so NaN fails it too; bounded so a share (budget × weight) stays a finite number.
            if (c.Weight is not (> 0 and <= MaxWeight)) return (at + ".weight", $"a weight is a positive number up to {MaxWeight:0}");
        }
        return null;
    }

    private static string? DescriptionProblem(string? description) =>
        description is { Length: > 4000 } ? "at most 4000 characters" : NameRules.TextProblem(description, "description", 16_000);

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
