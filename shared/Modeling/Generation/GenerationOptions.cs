namespace Refinery.Modeling.Generation;

/// <summary>How <see cref="TokenGenerator"/> continues a prompt: how many tokens at most, how it picks each one
/// (temperature 0 is greedy; otherwise a seeded draw from the top-p nucleus) and which token sequences end it.</summary>
public sealed record GenerationOptions
{
    public int MaxNewTokens { get; init; } = 64;

    /// <summary>Logits are divided by it before the softmax; 0 takes the most probable token (and ignores
    /// <see cref="TopP"/> and <see cref="Seed"/>).</summary>
    public double Temperature { get; init; }

    /// <summary>Nucleus sampling: draw among the most probable tokens whose probabilities first reach this mass
    /// (HF's top_p); 1 keeps every token.</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>Seeds the sampler: the same seed, model and prompt give the same tokens.</summary>
    public int Seed { get; init; }

    /// <summary>Token sequences that end generation as soon as the generated tokens end with one; the matched sequence
    /// is not returned.</summary>
    public IReadOnlyList<IReadOnlyList<int>> StopSequences { get; init; } = [];

    /// <summary>Every problem, each naming its option; empty when the options are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxNewTokens < 0) errors.Add("MaxNewTokens: must not be negative");
        if (!(Temperature >= 0) || !double.IsFinite(Temperature)) errors.Add("Temperature: must be 0 or positive");
        if (!(TopP > 0 && TopP <= 1)) errors.Add("TopP: must be above 0 and at most 1");
        for (var i = 0; i < StopSequences.Count; i++)
            if (StopSequences[i] is not { Count: > 0 })
                errors.Add($"StopSequences[{i}]: must hold at least one token");
        return errors;
    }
}
