using Refinery.Modeling.Runtime;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Refinery.Modeling.Llama;

/// <summary>Causal self-attention as HF's LlamaAttention: q/k/v/o projections without bias, rotary positions on
/// queries and keys, grouped-query attention (num_key_value_heads key/value heads, each shared by a group of query
/// heads) and libtorch's fused scaled_dot_product_attention.</summary>
public sealed class LlamaAttention : nn.Module<Tensor, RotaryAngles, Tensor>
{
    [ComponentName(Name = "q_proj")] private readonly Linear _qProj;
    [ComponentName(Name = "k_proj")] private readonly Linear _kProj;
    [ComponentName(Name = "v_proj")] private readonly Linear _vProj;
    [ComponentName(Name = "o_proj")] private readonly Linear _oProj;
    private readonly int _heads, _keyValueHeads, _headDim, _layer;

    static LlamaAttention() => TorchRuntime.EnsureLoaded();

    /// <param name="layer">The decoder layer's index, which names this block's projections to a linear hook.</param>
    public LlamaAttention(LlamaConfig config, int layer = 0) : base(nameof(LlamaAttention))
    {
        (_heads, _keyValueHeads, _headDim, _layer) = (config.NumAttentionHeads, config.KeyValueHeads, config.HeadDimension, layer);
        _qProj = nn.Linear(config.HiddenSize, _heads * _headDim, hasBias: false);
        _kProj = nn.Linear(config.HiddenSize, _keyValueHeads * _headDim, hasBias: false);
        _vProj = nn.Linear(config.HiddenSize, _keyValueHeads * _headDim, hasBias: false);
        _oProj = nn.Linear(_heads * _headDim, config.HiddenSize, hasBias: false);
        RegisterComponents();
    }

    /// <summary>x [batch, T, hidden] at the positions of <paramref name="angles"/> → [batch, T, hidden].</summary>
    public override Tensor forward(Tensor x, RotaryAngles angles) => forward(x, angles, cache: null);

    /// <summary>As <see cref="forward(Tensor, RotaryAngles)"/>; with a <paramref name="cache"/>, x holds only the new
    /// positions (from angles.Offset, the cache's length), whose keys and values are appended to the cache, and the
    /// queries attend to every position so far. A <paramref name="hook"/> adds its term to each projection.</summary>
    public Tensor forward(Tensor x, RotaryAngles angles, LayerKeyValues? cache, ILinearHook? hook = null)
    {
        using var scope = NewDisposeScope();
        var (batch, length) = (x.shape[0], x.shape[1]);

        // [B, T, heads·d] → [B, T, heads, d] → [B, heads, T, d]
        var q = hook.Project(_qProj, x, Site(LinearProjection.Query)).view(batch, length, _heads, _headDim).transpose(1, 2);
        var k = hook.Project(_kProj, x, Site(LinearProjection.Key)).view(batch, length, _keyValueHeads, _headDim).transpose(1, 2);
        var v = hook.Project(_vProj, x, Site(LinearProjection.Value)).view(batch, length, _keyValueHeads, _headDim).transpose(1, 2);
        q = RotaryEmbedding.Apply(q, angles);
        k = RotaryEmbedding.Apply(k, angles);

        // The cache stores k and v already rotated, so cached positions are never rotated again.
        // [B, kv_heads, T, d] → [B, kv_heads, S, d] with S = offset + T; queries are the last T of the S positions.
        if (cache is not null)
            (k, v) = cache.Append(k, v, angles.Offset);
        var output = Attend(q, k, v, angles.Offset);  // [B, heads, T, d]

        // [B, heads, T, d] → [B, T, heads, d] → [B, T, heads·d]
        var merged = output.transpose(1, 2).contiguous().view(batch, length, _heads * _headDim);
        return scope.MoveToOuter(hook.Project(_oProj, merged, Site(LinearProjection.Output)));
    }

    /// <summary>Softmax(q·kᵀ/√d + causal mask)·v with key/value heads repeated for their query group, as HF's
    /// repeat_kv: query head h reads key/value head h / (heads / kv_heads).</summary>
    private Tensor Attend(Tensor q, Tensor k, Tensor v, long queryOffset)
    {
        var group = _heads / _keyValueHeads;
        if (group > 1)
        {
            k = k.repeat_interleave(group, dim: 1);  // [B, heads, S, d]
            v = v.repeat_interleave(group, dim: 1);
        }
        var (queries, keys) = (q.shape[2], k.shape[2]);
        // is_causal aligns the triangle to the top-left corner, which is right only when S == T; a single query
        // (a generation step) sees every key; otherwise the mask is "key position ≤ query position".
        if (keys == queries)
            return nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true);
        if (queries == 1)
            return nn.functional.scaled_dot_product_attention(q, k, v);
        using var mask = KeyPositionMask(queryOffset, queries, keys, q.device);
        return nn.functional.scaled_dot_product_attention(q, k, v, attn_mask: mask);
    }

    /// <summary>[T, S] booleans, true where key position j ≤ query position offset + i (the queries are the last T
    /// of the S positions).</summary>
    internal static Tensor KeyPositionMask(long queryOffset, long queries, long keys, Device device)
    {
        using var queryPositions = arange(queryOffset, queryOffset + queries, dtype: ScalarType.Int64, device: device).unsqueeze(1);
        using var keyPositions = arange(0, keys, dtype: ScalarType.Int64, device: device).unsqueeze(0);
        return keyPositions.le(queryPositions);
    }

    private LinearSite Site(LinearProjection projection) => new(_layer, projection);
}
