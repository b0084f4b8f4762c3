using Refinery.Modeling.Runtime;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Refinery.Modeling.Llama;

/// <summary>A decoder-only Llama language model, HF's LlamaForCausalLM: token ids → next-token logits. Its state dict
/// has exactly HF's tensor names (model.embed_tokens.weight, model.layers.{i}.self_attn.q_proj.weight, …, lm_head.weight),
/// without lm_head.weight when the output projection is tied to the embedding.</summary>
public sealed class LlamaModel : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "model")] private readonly LlamaTransformer _model;
    [ComponentName(Name = "lm_head")] private readonly Linear? _lmHead;

    // Runs before the base constructor, so libtorch is fixed and loaded before TorchSharp's first native call.
    static LlamaModel() => TorchRuntime.EnsureLoaded();

    /// <summary>Builds the model and initialises it as HF's _init_weights does (matrices from N(0, initializer_range),
    /// norm gains 1), from <paramref name="seed"/> alone: the same seed gives the same weights.</summary>
    /// <exception cref="ArgumentException">The configuration is invalid (naming its fields).</exception>
    public LlamaModel(LlamaConfig config, long seed = 0) : base(nameof(LlamaModel))
    {
        config.EnsureValid();
        Config = config;
        _model = new LlamaTransformer(config);
        if (!config.TieWordEmbeddings)
            _lmHead = nn.Linear(config.HiddenSize, config.VocabSize, hasBias: false);
        RegisterComponents();
        Initialize(seed);
    }

    public LlamaConfig Config { get; }

    /// <summary>Logits [batch, T, vocab] for token ids [batch, T] at positions 0..T-1.</summary>
    public override Tensor forward(Tensor tokens) => Logits(tokens, positionOffset: 0);

    /// <summary>Logits [batch, T, vocab] for token ids [batch, T] at positions [offset, offset + T), for a caller that
    /// holds the earlier positions elsewhere (a key/value cache). A <paramref name="hook"/> adds its term to every
    /// linear layer (see <see cref="ILinearHook"/>).</summary>
    public Tensor Logits(Tensor tokens, long positionOffset, ILinearHook? hook = null)
    {
        using var scope = NewDisposeScope();
        var hidden = _model.forward(tokens, positionOffset, cache: null, hook);  // [B, T, hidden]
        return scope.MoveToOuter(Head(hidden, hook));
    }

    /// <summary>Logits [batch, T, vocab] for the next T token ids [batch, T] of sequences whose earlier positions are
    /// in <paramref name="cache"/> (so at positions [cache.Length, cache.Length + T)); appends the new positions.
    /// A <paramref name="hook"/> adds its term to every linear layer.</summary>
    /// <exception cref="ArgumentException">The cache was made for another batch size or model, or has no room.</exception>
    public Tensor Logits(Tensor tokens, KeyValueCache cache, ILinearHook? hook = null)
    {
        var (batch, length) = (tokens.shape[0], tokens.shape[1]);
        if (cache.Layers.Count != Config.NumHiddenLayers)
            throw new ArgumentException($"The cache has {cache.Layers.Count} layers; the model has {Config.NumHiddenLayers}.", nameof(cache));
        if (batch != cache.Batch)
            throw new ArgumentException($"The cache holds {cache.Batch} sequences; the tokens are {batch}.", nameof(cache));
        if (cache.Length + length > cache.Capacity)
            throw new ArgumentException(
                $"The cache holds {cache.Length} of {cache.Capacity} positions; {length} more do not fit.", nameof(cache));

        using var scope = NewDisposeScope();
        var hidden = _model.forward(tokens, cache.Length, cache, hook);  // [B, T, hidden]
        var logits = Head(hidden, hook);
        cache.Advance(length);
        return scope.MoveToOuter(logits);
    }

    /// <summary>The embedding output and every decoder layer's output for token ids [batch, T] at positions 0..T-1,
    /// stacked [layers + 1, batch, T, hidden]. With <paramref name="finalNorm"/> the last entry is after the final
    /// norm, as HF's output_hidden_states gives it; otherwise it is the last layer's raw output.</summary>
    public Tensor HiddenStates(Tensor tokens, bool finalNorm, ILinearHook? hook = null)
    {
        using var scope = NewDisposeScope();
        var states = new List<Tensor>();
        _model.forward(tokens, positionOffset: 0, cache: null, hook, states);
        if (finalNorm) states[^1] = _model.FinalNorm(states[^1]);
        return scope.MoveToOuter(stack(states));
    }

    /// <summary>Hidden states [B, T, hidden] → logits [B, T, vocab], through the embedding matrix when tied.</summary>
    private Tensor Head(Tensor hidden, ILinearHook? hook)
    {
        var logits = _lmHead is null ? nn.functional.linear(hidden, _model.EmbeddingWeight) : _lmHead.forward(hidden);
        if (hook?.Delta(LinearSite.LmHead, hidden) is not { } delta) return logits;
        using (delta) return logits.add_(delta);
    }

    private void Initialize(long seed)
    {
        using var generator = new Generator(unchecked((ulong)seed));
        using var noGrad = no_grad();
        // named_parameters walks the modules in registration order, so the draws are the same on every build.
        foreach (var (_, parameter) in named_parameters())
        {
            if (parameter.dim() == 2) parameter.normal_(0, Config.InitializerRange, generator);
            else parameter.fill_(1.0);
        }
    }
}
