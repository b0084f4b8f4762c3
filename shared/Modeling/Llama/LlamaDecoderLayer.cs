using Refinery.Modeling.Runtime;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Refinery.Modeling.Llama;

/// <summary>One pre-norm block of HF's LlamaDecoderLayer: x + attention(norm(x)), then h + mlp(norm(h)).</summary>
public sealed class LlamaDecoderLayer : nn.Module<Tensor, RotaryAngles, Tensor>
{
    [ComponentName(Name = "self_attn")] private readonly LlamaAttention _selfAttention;
    [ComponentName(Name = "mlp")] private readonly LlamaMlp _mlp;
    [ComponentName(Name = "input_layernorm")] private readonly RmsNorm _inputNorm;
    [ComponentName(Name = "post_attention_layernorm")] private readonly RmsNorm _postAttentionNorm;

    static LlamaDecoderLayer() => TorchRuntime.EnsureLoaded();

    /// <param name="layer">The layer's index in the model, which names its projections to a linear hook.</param>
    public LlamaDecoderLayer(LlamaConfig config, int layer = 0) : base(nameof(LlamaDecoderLayer))
    {
        _selfAttention = new LlamaAttention(config, layer);
        _mlp = new LlamaMlp(config, layer);
        _inputNorm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        _postAttentionNorm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        RegisterComponents();
    }

    /// <summary>[batch, T, hidden] → [batch, T, hidden].</summary>
    public override Tensor forward(Tensor x, RotaryAngles angles) => forward(x, angles, cache: null);

    /// <summary>As <see cref="forward(Tensor, RotaryAngles)"/> over the new positions only, the earlier ones' keys and
    /// values read from (and the new ones' appended to) <paramref name="cache"/>, a <paramref name="hook"/> adding
    /// its term to each projection.</summary>
    public Tensor forward(Tensor x, RotaryAngles angles, LayerKeyValues? cache, ILinearHook? hook = null)
    {
        using var scope = NewDisposeScope();
        var h = x + _selfAttention.forward(_inputNorm.forward(x), angles, cache, hook);
        return scope.MoveToOuter(h + _mlp.forward(_postAttentionNorm.forward(h), hook));
    }
}
