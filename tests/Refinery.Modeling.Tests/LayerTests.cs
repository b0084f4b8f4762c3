using Refinery.Modeling.Llama;
using static Refinery.Modeling.Tests.TestTorch;
using static TorchSharp.torch;

namespace Refinery.Modeling.Tests;

/// <summary>Each layer against a plain loop in double precision written from HF's modeling_llama.py.</summary>
public sealed class LayerTests
{
    [Fact]
    public void RmsNorm_MatchesLoop()
    {
        const int Width = 8;
        const double Eps = 1e-5;
        using var norm = new RmsNorm(Width, Eps);
        using var x = RandomTensor(1, 2, 3, Width);
        using var gain = RandomTensor(2, Width);
        using (no_grad()) norm.Weight.copy_(gain);

        using var y = norm.forward(x);

        var (xs, gs) = (Values(x), Values(gain));
        var expected = new double[xs.Length];
        for (var row = 0; row < xs.Length / Width; row++)
        {
            double meanSquare = 0;
            for (var i = 0; i < Width; i++) meanSquare += (double)xs[row * Width + i] * xs[row * Width + i];
            meanSquare /= Width;
            for (var i = 0; i < Width; i++)
                expected[row * Width + i] = xs[row * Width + i] / Math.Sqrt(meanSquare + Eps) * gs[i];
        }
        AssertClose(expected, Values(y), 1e-5);
    }

    [Theory]
    [InlineData(0L, 10000.0)]
    [InlineData(7L, 500000.0)]
    public void Rotary_RotatesHalvesByPositionTimesInverseFrequency(long offset, double theta)
    {
        const int Heads = 2, Length = 5, HeadDim = 8;
        var rotary = new RotaryEmbedding(HeadDim, theta);
        using var x = RandomTensor(3, 1, Heads, Length, HeadDim);
        using var angles = rotary.Angles(offset, Length, x.device);

        using var y = RotaryEmbedding.Apply(x, angles);

        var expected = RotateLoop(Values(x), Heads, Length, HeadDim, offset, theta);
        AssertClose(expected, Values(y), 1e-5);
    }

    [Fact]
    public void Mlp_IsSiluGateTimesUpThenDown()
    {
        var config = SmallConfig() with { HiddenSize = 8, IntermediateSize = 12 };
        using var mlp = new LlamaMlp(config);
        using var x = RandomTensor(4, 2, 3, 8);

        using var y = mlp.forward(x);

        var weights = mlp.state_dict().ToDictionary(p => p.Key, p => Values(p.Value));
        var xs = Values(x);
        var expected = new double[xs.Length];
        for (var row = 0; row < xs.Length / 8; row++)
        {
            var input = xs.AsSpan(row * 8, 8).ToArray();
            var gate = MatVec(weights["gate_proj.weight"], 12, 8, input);
            var up = MatVec(weights["up_proj.weight"], 12, 8, input);
            var hidden = gate.Select((g, i) => g / (1 + Math.Exp(-g)) * up[i]).ToArray();
            MatVec(weights["down_proj.weight"], 8, 12, hidden).CopyTo(expected, row * 8);
        }
        AssertClose(expected, Values(y), 1e-5);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(9L)]
    public void Attention_CausalGroupedQuery_MatchesLoop(long offset)
    {
        // 4 query heads share 2 key/value heads of width 4: heads 0 and 1 read kv head 0, heads 2 and 3 kv head 1.
        var config = SmallConfig() with { HiddenSize = 16, NumAttentionHeads = 4, NumKeyValueHeads = 2 };
        const int Batch = 2, Length = 5, Hidden = 16, Heads = 4, KvHeads = 2, HeadDim = 4;
        using var attention = new LlamaAttention(config);
        using var x = RandomTensor(5, Batch, Length, Hidden);
        using var angles = new RotaryEmbedding(HeadDim, config.RopeTheta).Angles(offset, Length, x.device);

        using var y = attention.forward(x, angles);

        var w = attention.state_dict().ToDictionary(p => p.Key, p => Values(p.Value));
        var xs = Values(x);
        var expected = new double[Batch * Length * Hidden];
        for (var b = 0; b < Batch; b++)
        {
            // Projections per position, then rotary per head: q [Heads, Length, HeadDim], k and v [KvHeads, ...].
            var q = new double[Heads * Length * HeadDim];
            var k = new double[KvHeads * Length * HeadDim];
            var v = new double[KvHeads * Length * HeadDim];
            for (var t = 0; t < Length; t++)
            {
                var input = xs.AsSpan((b * Length + t) * Hidden, Hidden).ToArray();
                Scatter(MatVec(w["q_proj.weight"], Heads * HeadDim, Hidden, input), q, Heads, Length, HeadDim, t);
                Scatter(MatVec(w["k_proj.weight"], KvHeads * HeadDim, Hidden, input), k, KvHeads, Length, HeadDim, t);
                Scatter(MatVec(w["v_proj.weight"], KvHeads * HeadDim, Hidden, input), v, KvHeads, Length, HeadDim, t);
            }
            q = RotateLoop(q, Heads, Length, HeadDim, offset, config.RopeTheta);
            k = RotateLoop(k, KvHeads, Length, HeadDim, offset, config.RopeTheta);

            for (var t = 0; t < Length; t++)
            {
                var merged = new double[Heads * HeadDim];
                for (var h = 0; h < Heads; h++)
                {
                    var kv = h / (Heads / KvHeads);
                    var scores = new double[t + 1];  // causal: keys 0..t only
                    for (var s = 0; s <= t; s++)
                    {
                        for (var d = 0; d < HeadDim; d++)
                            scores[s] += q[(h * Length + t) * HeadDim + d] * k[(kv * Length + s) * HeadDim + d];
                        scores[s] /= Math.Sqrt(HeadDim);
                    }
                    var max = scores.Max();
                    var weights = scores.Select(z => Math.Exp(z - max)).ToArray();
                    var total = weights.Sum();
                    for (var s = 0; s <= t; s++)
                        for (var d = 0; d < HeadDim; d++)
                            merged[h * HeadDim + d] += weights[s] / total * v[(kv * Length + s) * HeadDim + d];
                }
                MatVec(w["o_proj.weight"], Hidden, Heads * HeadDim, merged).CopyTo(expected, (b * Length + t) * Hidden);
            }
        }
        AssertClose(expected, Values(y), 1e-5);
    }

    [Fact]
    public void KeyPositionMask_QueriesAfterCachedKeys_SeeEveryEarlierPosition()
    {
        Init();
        // Two queries at positions 3 and 4 over five keys at positions 0..4.
        using var mask = LlamaAttention.KeyPositionMask(3, 2, 5, CPU);

        Assert.Equal(new long[] { 2, 5 }, mask.shape);
        Assert.Equal(new[] { true, true, true, true, false, true, true, true, true, true }, mask.data<bool>().ToArray());
    }

    /// <summary>HF's apply_rotary_pos_emb on [heads, length, headDim] values: feature i turns with i + headDim/2 by
    /// (offset + t) · theta^(-2i/headDim).</summary>
    private static double[] RotateLoop(IReadOnlyList<float> x, int heads, int length, int headDim, long offset, double theta) =>
        RotateLoop(x.Select(v => (double)v).ToArray(), heads, length, headDim, offset, theta);

    private static double[] RotateLoop(double[] x, int heads, int length, int headDim, long offset, double theta)
    {
        var half = headDim / 2;
        var y = new double[x.Length];
        for (var h = 0; h < heads; h++)
            for (var t = 0; t < length; t++)
                for (var i = 0; i < half; i++)
                {
                    var angle = (offset + t) * Math.Pow(theta, -2.0 * i / headDim);
                    var at = (h * length + t) * headDim;
                    var (first, second) = (x[at + i], x[at + i + half]);
                    y[at + i] = first * Math.Cos(angle) - second * Math.Sin(angle);
                    y[at + i + half] = second * Math.Cos(angle) + first * Math.Sin(angle);
                }
        return y;
    }

    /// <summary>y = W·x for a row-major W [rows, columns], as nn.Linear without bias.</summary>
    private static double[] MatVec(float[] w, int rows, int columns, IReadOnlyList<float> x) =>
        MatVec(w, rows, columns, x.Select(v => (double)v).ToArray());

    private static double[] MatVec(float[] w, int rows, int columns, double[] x)
    {
        Assert.Equal(rows * columns, w.Length);
        var y = new double[rows];
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < columns; c++)
                y[r] += w[r * columns + c] * x[c];
        return y;
    }

    /// <summary>Puts one position's projection [heads·headDim] into a [heads, length, headDim] array.</summary>
    private static void Scatter(double[] projection, double[] target, int heads, int length, int headDim, int t)
    {
        for (var h = 0; h < heads; h++)
            Array.Copy(projection, h * headDim, target, (h * length + t) * headDim, headDim);
    }
}
