namespace Refinery.Modeling.Generation;

/// <summary>Why generation ended.</summary>
public enum StopReason
{
    /// <summary><see cref="GenerationOptions.MaxNewTokens"/> tokens were generated.</summary>
    MaxNewTokens,

    /// <summary>The model produced the configuration's eos_token_id (not returned).</summary>
    EndOfSequence,

    /// <summary>The output ended with one of <see cref="GenerationOptions.StopSequences"/> (not returned).</summary>
    StopSequence,

    /// <summary>Prompt and output filled the model's context (max_position_embeddings).</summary>
    ContextLength,
}

/// <summary>The generated token ids (without the prompt, the eos token or a matched stop sequence) and why it ended.</summary>
public sealed record GenerationResult(IReadOnlyList<int> Tokens, StopReason Reason);
