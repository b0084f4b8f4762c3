using System.Text.Json;
using Refinery.Curation.Domain;
using Refinery.Curation.Recipes;

namespace Refinery.Curation.Pipeline;

/// <summary>A document rule with quantile conditions: its index, and its conditions in the order they appear.</summary>
public sealed record QuantileRound(int Rule, IReadOnlyList<QuantileExpr> Quantiles);

/// <summary>A ranked quantile condition: the value it compares with (null when no document had a value) and how many
/// documents had a value.</summary>
public sealed record RankedQuantile(double? Threshold, long Ranked);

/// <summary>How a version applies quantile rules: one ranking round per rule with quantile conditions, in rule order,
/// because a rule ranks only the documents every earlier rule kept, and an earlier quantile rule's threshold decides
/// those. Each round collects values from every part and merges them before the next round, or the parts, begin.</summary>
public static class QuantileRounds
{
    public static IReadOnlyList<QuantileRound> Of(Recipe recipe) =>
        recipe.QuantileRules.Select(r => new QuantileRound(r, Recipe.Quantiles(recipe.Rules[r].Condition).ToList())).ToList();

    /// <summary>The rounds a job has finished, in order.</summary>
    public static List<List<RankedQuantile>> Recorded(DatasetJob job) =>
        JsonSerializer.Deserialize<List<List<RankedQuantile>>>(job.QuantilesJson) ?? [];

    /// <summary>The thresholds of every finished round, keyed by condition, as <see cref="Recipe.Decide"/> reads them
    /// (NaN where no document had a value: such a condition holds for no document).</summary>
    public static Dictionary<QuantileExpr, double> Thresholds(DatasetJob job, Recipe recipe)
    {
        var thresholds = new Dictionary<QuantileExpr, double>();
        foreach (var (round, ranked) in Of(recipe).Zip(Recorded(job)))
            for (var q = 0; q < round.Quantiles.Count; q++)
                thresholds[round.Quantiles[q]] = ranked[q].Threshold ?? double.NaN;
        return thresholds;
    }
}
