using System.Diagnostics;
using System.Text;
using Refinery.Modeling.Generation;
using Refinery.Modeling.Llama;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Refinery.Modeling.Tests;

public sealed class OverfitTests(ITestOutputHelper output)
{
    private const int MaxSteps = 300;

    private static readonly LlamaConfig ByteConfig = new()
    {
        VocabSize = 256, HiddenSize = 64, IntermediateSize = 172, NumHiddenLayers = 2, NumAttentionHeads = 4,
        NumKeyValueHeads = 2, MaxPositionEmbeddings = 64,
    };

    [Fact]
    public void TinyModel_OneBatchOfBytes_IsMemorised()
    {
        const double TargetLoss = 0.1;
        TestTorch.Init();
        using var model = new LlamaModel(ByteConfig, seed: 0);
        // Four windows of 33 bytes: 32 inputs and the 32 next bytes each model position must predict.
        var text = Encoding.ASCII.GetBytes("The quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs.");
        var rows = Enumerable.Range(0, 4).SelectMany(r => text.Skip(r * 13).Take(33)).Select(b => (long)b).ToArray();
        using var batch = tensor(rows).view(4, 33);

        var (first, loss) = Train(model, batch, TargetLoss);

        // An untrained model with N(0, 0.02) weights predicts nearly uniformly: ln 256 ≈ 5.55 nats.
        Assert.InRange(first, 5.3, 5.8);
        Assert.True(loss < TargetLoss, $"loss {loss:F4}, expected below {TargetLoss}");
    }

    [Fact]
    public void TinyModel_OverfitOnOneString_ContinuesItGreedilyFromItsFirstBytes()
    {
        const double TargetLoss = 0.02;
        const int PromptBytes = 4;
        TestTorch.Init();
        using var model = new LlamaModel(ByteConfig, seed: 0);
        var text = Encoding.ASCII.GetBytes("The quick brown fox jumps over th").Select(b => (int)b).ToArray();  // 33 bytes
        using var batch = tensor(text.Select(b => (long)b).ToArray()).view(1, 33);
        var (_, loss) = Train(model, batch, TargetLoss);
        Assert.True(loss < TargetLoss, $"loss {loss:F4}, expected below {TargetLoss}");

        var options = new GenerationOptions { MaxNewTokens = 32 - PromptBytes };
        var result = new TokenGenerator(model).Generate(text[..PromptBytes], options);

        Assert.Equal(Ascii(text[PromptBytes..32]), Ascii(result.Tokens));
        Assert.Equal(StopReason.MaxNewTokens, result.Reason);
    }

    private static string Ascii(IEnumerable<int> bytes) => Encoding.ASCII.GetString(bytes.Select(b => (byte)b).ToArray());

    /// <summary>AdamW on one batch of rows [rows, 33] (32 inputs, each predicting the next byte) until the loss is
    /// below <paramref name="targetLoss"/> or <see cref="MaxSteps"/>; returns the first and the last loss.</summary>
    private (double First, double Last) Train(LlamaModel model, Tensor batch, double targetLoss)
    {
        var rows = batch.shape[0];
        using var inputs = batch.narrow(1, 0, 32);
        using var targets = batch.narrow(1, 1, 32).reshape(-1);
        using var optimizer = optim.AdamW(model.parameters(), lr: 3e-3, weight_decay: 0.0);

        var watch = Stopwatch.StartNew();
        var (first, loss, step) = (double.NaN, double.NaN, 0);
        while (step < MaxSteps && !(loss < targetLoss))
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var logits = model.forward(inputs);  // [rows, 32, 256]
            var lossTensor = nn.functional.cross_entropy(logits.view(-1, 256), targets);
            lossTensor.backward();
            optimizer.step();
            loss = lossTensor.item<float>();
            if (step++ == 0) first = loss;
        }
        output.WriteLine($"{rows} rows: loss {first:F3} -> {loss:F4} in {step} steps, {watch.ElapsedMilliseconds} ms");
        return (first, loss);
    }
}
