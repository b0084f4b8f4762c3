namespace Refinery.Modeling.Scoring;

/// <summary>How many requests one forward pass may hold: at most <see cref="MaxBatchSize"/> rows, and at most
/// <see cref="MaxBatchTokens"/> positions (rows × the longest row's positions, padding included), which bounds the
/// memory of the activations and of the [rows, T, vocab] logits.</summary>
public sealed record ScoringOptions
{
    // Defaults for CPU: once a batch's matmuls have a couple of thousand rows they run at full speed, while the
    // attention scores [rows, heads, T, T] keep growing with the batch; measured on the 2-core machine, 8192 tokens
    // per batch of 300-token requests ran several times slower than 2048.
    public int MaxBatchSize { get; init; } = 16;
    public int MaxBatchTokens { get; init; } = 2048;

    /// <exception cref="ArgumentOutOfRangeException">A limit is below 1.</exception>
    public void EnsureValid()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchSize, 1, nameof(MaxBatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchTokens, 1, nameof(MaxBatchTokens));
    }
}
