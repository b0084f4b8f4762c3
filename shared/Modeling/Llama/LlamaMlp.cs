using Refinery.Modeling.Runtime;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Refinery.Modeling.Llama;

/// <summary>The SwiGLU feed-forward block of HF's LlamaMLP: down_proj(silu(gate_proj(x)) · up_proj(x)), no biases.</summary>
public sealed class LlamaMlp : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "gate_proj")] private readonly Linear _gateProj;
    [ComponentName(Name = "up_proj")] private readonly Linear _upProj;
    [ComponentName(Name = "down_proj")] private readonly Linear _downProj;
    private readonly int _layer;

    static LlamaMlp() => TorchRuntime.EnsureLoaded();

    /// <param name="layer">The decoder layer's index, which names this block's projections to a linear hook.</param>
    public LlamaMlp(LlamaConfig config, int layer = 0) : base(nameof(LlamaMlp))
    {
        _layer = layer;
        _gateProj = nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: false);
        _upProj = nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: false);
        _downProj = nn.Linear(config.IntermediateSize, config.HiddenSize, hasBias: false);
        RegisterComponents();
    }

    /// <summary>[..., hidden] → [..., intermediate] → [..., hidden].</summary>
    public override Tensor forward(Tensor x) => forward(x, hook: null);

    /// <summary>As <see cref="forward(Tensor)"/>, a <paramref name="hook"/> adding its term to each projection.</summary>
    public Tensor forward(Tensor x, ILinearHook? hook)
    {
        using var scope = NewDisposeScope();
        var gate = hook.Project(_gateProj, x, Site(LinearProjection.Gate));
        var gated = nn.functional.silu(gate) * hook.Project(_upProj, x, Site(LinearProjection.Up));
        return scope.MoveToOuter(hook.Project(_downProj, gated, Site(LinearProjection.Down)));
    }

    private LinearSite Site(LinearProjection projection) => new(_layer, projection);
}
