namespace Refinery.Modeling.Scoring;

/// <summary>How many requests one forward pass may hold: at most <see cref="MaxBatchSize"/> rows, and at most
/// <see cref="MaxBatchTokens"/> positions (rows × the longest row's positions, padding included), which bounds the
/// memory of the activations and of the [rows, T, vocab] logits.</summary>
public sealed record ScoringOptions
{
    public int MaxBatchSize { get; init; } = 32;
    public int MaxBatchTokens { get; init; } = 8192;

    /// <exception cref="ArgumentOutOfRangeException">A limit is below 1.</exception>
    public void EnsureValid()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchSize, 1, nameof(MaxBatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchTokens, 1, nameof(MaxBatchTokens));
    }
}
