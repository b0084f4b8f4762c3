using Refinery.Modeling.Runtime;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Refinery.Modeling.Llama;

/// <summary>The body HF calls LlamaModel (under the key prefix <c>model.</c>): token embedding, the decoder layers and
/// the final norm, token ids → hidden states.</summary>
public sealed class LlamaTransformer : nn.Module<Tensor, long, Tensor>
{
    [ComponentName(Name = "embed_tokens")] private readonly Embedding _embedTokens;
    [ComponentName(Name = "layers")] private readonly ModuleList<LlamaDecoderLayer> _layers;
    [ComponentName(Name = "norm")] private readonly RmsNorm _norm;
    private readonly RotaryEmbedding _rotary;

    static LlamaTransformer() => TorchRuntime.EnsureLoaded();

    public LlamaTransformer(LlamaConfig config) : base(nameof(LlamaTransformer))
    {
        _embedTokens = nn.Embedding(config.VocabSize, config.HiddenSize);
        _layers = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(i => new LlamaDecoderLayer(config, i)).ToArray());
        _norm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        _rotary = new RotaryEmbedding(config.HeadDimension, config.RopeTheta);
        RegisterComponents();
    }

    /// <summary>The input embedding matrix [vocab, hidden], which a tied lm_head reuses.</summary>
    public Parameter EmbeddingWeight => _embedTokens.weight!;

    /// <summary>Token ids [batch, T] at positions [offset, offset + T) → normed hidden states [batch, T, hidden].</summary>
    public override Tensor forward(Tensor tokens, long positionOffset) => forward(tokens, positionOffset, cache: null);

    /// <summary>As <see cref="forward(Tensor, long)"/>, layer i reading and extending <paramref name="cache"/>'s
    /// layer i when there is a cache (then the offset is the cache's length). A <paramref name="hook"/> adds its term
    /// to every projection; <paramref name="hiddenStates"/>, when given, receives the embedding output and each
    /// layer's output before the final norm (layers + 1 tensors [batch, T, hidden], the caller's to dispose).</summary>
    public Tensor forward(Tensor tokens, long positionOffset, KeyValueCache? cache, ILinearHook? hook = null,
        List<Tensor>? hiddenStates = null)
    {
        using var scope = NewDisposeScope();
        using var angles = _rotary.Angles(positionOffset, tokens.shape[1], tokens.device);
        var hidden = _embedTokens.forward(tokens);  // [B, T, hidden]
        hiddenStates?.Add(scope.MoveToOuter(hidden));
        for (var i = 0; i < _layers.Count; i++)
        {
            hidden = _layers[i].forward(hidden, angles, cache?.Layers[i], hook);
            hiddenStates?.Add(scope.MoveToOuter(hidden));
        }
        return scope.MoveToOuter(_norm.forward(hidden));
    }

    /// <summary>The final RMSNorm alone, for a caller that reads the last layer's output as HF's hidden_states does.</summary>
    internal Tensor FinalNorm(Tensor hidden) => _norm.forward(hidden);
}
