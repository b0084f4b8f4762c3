using Refinery.Modeling.Deltas;

namespace Refinery.Modeling.Scoring;

/// <summary>A token sequence of which the tokens from <see cref="ScoredFrom"/> on are scored, each given all tokens
/// before it: lm-eval's (context, continuation) pair as context + continuation with ScoredFrom = context length.
/// <see cref="Delta"/> names the fine-tune this request runs with (null: the base model).</summary>
public sealed record ScoringRequest(IReadOnlyList<int> Tokens, int ScoredFrom)
{
    public ILinearDelta? Delta { get; init; }

    /// <summary>lm-eval's pair. The context must not be empty (lm-eval puts the end-of-text token there when it is),
    /// since the first token of a sequence has nothing to be predicted from.</summary>
    public static ScoringRequest FromPair(IReadOnlyList<int> context, IReadOnlyList<int> continuation) =>
        new([.. context, .. continuation], context.Count);
}
