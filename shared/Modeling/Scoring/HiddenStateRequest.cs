using Refinery.Modeling.Deltas;

namespace Refinery.Modeling.Scoring;

/// <summary>A token sequence whose hidden states are wanted, run with <see cref="Delta"/>'s fine-tune (null: the base
/// model).</summary>
public sealed record HiddenStateRequest(IReadOnlyList<int> Tokens)
{
    public ILinearDelta? Delta { get; init; }
}
