using Refinery.Modeling.Llama;
using static TorchSharp.torch;

namespace Refinery.Modeling.Deltas;

/// <summary>One fine-tune's change Δ to a base model's linear layers, stored however suits it (dense, low rank,
/// quantised): it computes its own term x·Δᵀ for the rows of a batch that use it, so the fine-tuned layer gives
/// x·(W + Δ)ᵀ without W + Δ ever being formed. Δ has the weight's layout [out, in].</summary>
public interface ILinearDelta
{
    /// <summary>x [rows, T, in] → x·Δᵀ [rows, T, out] for the layer at <paramref name="site"/>, or null when this
    /// fine-tune leaves that layer unchanged. The caller disposes the result.</summary>
    Tensor? Apply(LinearSite site, Tensor x);
}
