namespace Refinery.Contracts.Curation;

/// <summary>Command: a dataset version that is a weighted mixture of other versions, sampled with a seed to a token
/// budget (documents drawn without replacement, and again in further epochs when a component has fewer tokens than
/// its share), as for continual pretraining. Addressed by its content like every version.</summary>
public sealed record CreateDatasetMixture
{
    public required string Dataset { get; init; }
    public required IReadOnlyList<MixtureComponent> Components { get; init; }
    /// <summary>Training tokens of the mixture; each component gets its weight's share.</summary>
    public required long TokenBudget { get; init; }
    public int Seed { get; init; } = 42;
    public string? Description { get; init; }
    /// <summary>Chosen by whoever asks (the gateway), copied into the events that answer this request so the asker
    /// can tell its answer from another's for the same dataset; not part of the version's identity.</summary>
    public Guid? RequestId { get; init; }
}

/// <summary>One version in a mixture and its weight (weights are relative).</summary>
public sealed record MixtureComponent(string Dataset, string Version, double Weight);
