using System.Buffers.Binary;
using Refinery.Contracts;
using Refinery.Contracts.Curation;
using Refinery.Curation.Domain;
using Refinery.Curation.Recipes;
using Refinery.Hosting.Bus;
using Refinery.Storage;

namespace Refinery.Curation.Pipeline;

/// <summary>One part's share of a ranking round: the value of each of the round's quantile conditions for every
/// document that reaches the round's rule (with the thresholds of earlier rounds), sorted and written as
/// <c>ranks/{round}.{q}/{part}.f64</c>. Documents without a value are not ranked. The output depends only on the
/// inputs, so a part ranked twice writes the same bytes.</summary>
public sealed class PartRanker(IObjectStore store, PartReader reader)
{
    public async Task<IReadOnlyList<ObjectRef>> RankAsync(DatasetJob job, int round, int part, CancellationToken ct)
    {
        var parts = JobInputs.Parts(job);
        if (part < 0 || part >= parts.Count) throw new PermanentFailureException($"part {part} is outside version {job.Version}'s {parts.Count}");
        var recipe = Recipe.Parse(job.RecipeText, job.RecipeName);
        var rounds = QuantileRounds.Of(recipe);
        if (round < 0 || round >= rounds.Count) throw new PermanentFailureException($"recipe {recipe.Name} has {rounds.Count} ranking rounds, not round {round}");
        if (QuantileRounds.Recorded(job).Count < round) throw new PermanentFailureException($"ranking round {round} of version {job.Version} came before round {round - 1} finished");
        var (rule, quantiles) = (rounds[round].Rule, rounds[round].Quantiles);
        var thresholds = QuantileRounds.Thresholds(job, recipe);

        var values = quantiles.Select(_ => new List<double>()).ToArray();
        await foreach (var document in reader.ReadAsync(job, parts[part], recipe, ct))
        {
            if (!recipe.Decide(document.Facts, thresholds, documentRules: rule).Kept) continue;
            for (var q = 0; q < quantiles.Count; q++)
                if (document.Facts.DocumentSignal(quantiles[q].Signal) is var value && !double.IsNaN(value)) values[q].Add(value);
        }

        var root = DatasetKeys.Root(job.Dataset, job.Version);
        var files = new List<ObjectRef>(quantiles.Count);
        for (var q = 0; q < quantiles.Count; q++)
        {
            values[q].Sort();
            var bytes = new byte[values[q].Count * sizeof(double)];
            for (var i = 0; i < values[q].Count; i++) BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * sizeof(double)), values[q][i]);
            files.Add(await store.PutAsync(root + DatasetKeys.Ranks(round, q, part), new MemoryStream(bytes), ct));
        }
        return files;
    }
}
