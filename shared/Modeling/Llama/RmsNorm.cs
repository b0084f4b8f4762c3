using Refinery.Modeling.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Refinery.Modeling.Llama;

/// <summary>Root-mean-square layer norm as HF's LlamaRMSNorm: x / sqrt(mean(x²) + eps) · weight, over the last
/// dimension, with no mean subtraction and no bias. The gain is named <c>weight</c>, as in HF's state dict.</summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weight")]
    private readonly Parameter _weight;
    private readonly double _eps;

    static RmsNorm() => TorchRuntime.EnsureLoaded();

    public RmsNorm(long size, double eps) : base(nameof(RmsNorm))
    {
        _weight = new Parameter(ones(size));
        _eps = eps;
        RegisterComponents();
    }

    public Parameter Weight => _weight;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var meanSquare = x.square().mean([-1L], keepdim: true);  // [..., 1]
        var normed = x * (meanSquare + _eps).rsqrt();
        return scope.MoveToOuter(normed * _weight);
    }
}
