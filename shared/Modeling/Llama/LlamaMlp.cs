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

    static LlamaMlp() => TorchRuntime.EnsureLoaded();

    public LlamaMlp(LlamaConfig config) : base(nameof(LlamaMlp))
    {
        _gateProj = nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: false);
        _upProj = nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: false);
        _downProj = nn.Linear(config.IntermediateSize, config.HiddenSize, hasBias: false);
        RegisterComponents();
    }

    /// <summary>[..., hidden] → [..., intermediate] → [..., hidden].</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var gated = nn.functional.silu(_gateProj.forward(x)) * _upProj.forward(x);
        return scope.MoveToOuter(_downProj.forward(gated));
    }
}
