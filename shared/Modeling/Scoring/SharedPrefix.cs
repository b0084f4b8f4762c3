using Refinery.Modeling.Deltas;
using Refinery.Modeling.Llama;
using static TorchSharp.torch;

namespace Refinery.Modeling.Scoring;

/// <summary>A prefix common to many requests (a few-shot context) run once: its keys and values, which every batch of
/// continuations copies into its rows, and the logits at its last position, which score each continuation's first
/// token. Made by <see cref="LogLikelihoodScorer.Prefix"/>; valid for that scorer's model and this delta only.</summary>
public sealed class SharedPrefix : IDisposable
{
    internal SharedPrefix(LlamaModel model, IReadOnlyList<int> tokens, ILinearDelta? delta, KeyValueCache cache,
        Tensor lastLogits)
    {
        (Model, Tokens, Delta, Cache) = (model, tokens, delta, cache);
        LastLogits = lastLogits.DetachFromDisposeScope();
    }

    public IReadOnlyList<int> Tokens { get; }
    public int Length => Tokens.Count;

    /// <summary>The fine-tune the prefix was run with (null: the base model); its keys and values hold it.</summary>
    public ILinearDelta? Delta { get; }

    internal LlamaModel Model { get; }
    internal KeyValueCache Cache { get; }

    /// <summary>[1, 1, vocab]: the prediction for the token after the prefix.</summary>
    internal Tensor LastLogits { get; }

    public void Dispose()
    {
        Cache.Dispose();
        LastLogits.Dispose();
    }
}
