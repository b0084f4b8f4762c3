namespace Refinery.Modeling.Scoring;

/// <summary>Groups requests into padded batches: longest first, as lm-eval's Collator orders them, so rows of a batch
/// have similar lengths (little padding) and the first batch is the largest (an out-of-memory shows at once).</summary>
internal static class Batching
{
    /// <summary>Indices into <paramref name="lengths"/> (each row's positions), batch by batch; every index once. A
    /// row longer than the token budget still gets a batch of its own.</summary>
    public static IEnumerable<int[]> Plan(IReadOnlyList<int> lengths, ScoringOptions options)
    {
        // Ties keep request order, so the plan is the same on every run.
        var order = Enumerable.Range(0, lengths.Count).OrderByDescending(i => lengths[i]).ThenBy(i => i).ToArray();
        var batch = new List<int>();
        var longest = 0;
        foreach (var index in order)
        {
            if (batch.Count > 0 && (batch.Count == options.MaxBatchSize || (long)(batch.Count + 1) * longest > options.MaxBatchTokens))
            {
                yield return batch.ToArray();
                batch.Clear();
            }
            if (batch.Count == 0) longest = lengths[index];
            batch.Add(index);
        }
        if (batch.Count > 0) yield return batch.ToArray();
    }
}
