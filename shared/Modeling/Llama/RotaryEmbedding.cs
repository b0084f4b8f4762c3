using Refinery.Modeling.Runtime;
using static TorchSharp.torch;

namespace Refinery.Modeling.Llama;

/// <summary>Cosines and sines of the rotary angles for positions [offset, offset + length), each [length, head_dim].</summary>
public sealed record RotaryAngles(Tensor Cos, Tensor Sin, long Offset) : IDisposable
{
    public long Length => Cos.shape[0];

    public void Dispose()
    {
        Cos.Dispose();
        Sin.Dispose();
    }
}

/// <summary>Rotary position embedding in HF's rotate-half layout (LlamaRotaryEmbedding and apply_rotary_pos_emb):
/// feature i of a head is rotated together with feature i + head_dim/2, by the angle position · theta^(-2i/head_dim).
/// (The original RoPE pairs neighbouring features; HF's checkpoints permute q/k weights to fit this layout, so a
/// folder read by `transformers` must use it too.)</summary>
public sealed class RotaryEmbedding(int headDim, double theta)
{
    public int HeadDim { get; } = headDim;
    public double Theta { get; } = theta;

    /// <summary>The angles for <paramref name="length"/> positions from <paramref name="offset"/> (the number of
    /// positions already held in a key/value cache), computed in float32 as HF does.</summary>
    public RotaryAngles Angles(long offset, long length, Device device)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        // inv_freq[i] = theta^(-2i/d): HF divides an int64 arange cast to float32 by d, then takes theta to that power.
        var exponents = arange(0, HeadDim, 2, dtype: ScalarType.Int64, device: device).to(ScalarType.Float32) / HeadDim;
        var inverseFrequencies = tensor((float)Theta, device: device).pow(exponents).reciprocal();  // [d/2]
        var positions = arange(offset, offset + length, dtype: ScalarType.Float32, device: device);  // [T]
        var frequencies = positions.outer(inverseFrequencies);                                   // [T, d/2]
        var angles = cat([frequencies, frequencies], -1);                                        // [T, d]
        return new RotaryAngles(scope.MoveToOuter(angles.cos()), scope.MoveToOuter(angles.sin()), offset);
    }

    /// <summary>Rotates queries or keys [batch, heads, T, d] by the angles of their positions.</summary>
    public static Tensor Apply(Tensor x, RotaryAngles angles)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(x * angles.Cos + RotateHalf(x) * angles.Sin);
    }

    /// <summary>[x1, x2] → [-x2, x1] over the last dimension, split in halves.</summary>
    internal static Tensor RotateHalf(Tensor x)
    {
        var half = x.shape[^1] / 2;
        using var first = x.narrow(-1, 0, half);
        using var second = x.narrow(-1, half, half);
        using var negated = second.neg();
        return cat([negated, first], -1);
    }
}
