using Refinery.Modeling.Scoring;
using static Refinery.Modeling.Tests.ScoringReference;
using static Refinery.Modeling.Tests.TestTorch;
using static TorchSharp.torch;

namespace Refinery.Modeling.Tests;

public sealed class HiddenStatePoolerTests
{
    public HiddenStatePoolerTests() => Init();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MeanPooled_PaddedBatches_EqualManualMeanOfEachRequestAlone(bool finalNorm)
    {
        using var model = Model();
        var (layers, hidden) = (model.Config.NumHiddenLayers + 1, model.Config.HiddenSize);
        var random = new Random(10);
        var requests = new[] { 7, 30, 1, 18, 30, 4 }
            .Select(length => new HiddenStateRequest(RandomTokens(random, length, model.Config.VocabSize))).ToArray();
        var pooler = new HiddenStatePooler(model, new ScoringOptions { MaxBatchSize = 4, MaxBatchTokens = 80 });

        var pooled = pooler.MeanPooled(requests, finalNorm);

        Assert.Equal(requests.Length, pooled.Length);
        for (var i = 0; i < requests.Length; i++)
        {
            var tokens = requests[i].Tokens;
            using var noGrad = no_grad();
            using var input = tensor(tokens.Select(t => (long)t).ToArray()).view(1, tokens.Count);
            using var states = model.HiddenStates(input, finalNorm);  // [layers, 1, T, hidden], this request alone
            var values = Values(states);
            var expected = new double[layers * hidden];
            for (var l = 0; l < layers; l++)
                for (var t = 0; t < tokens.Count; t++)
                    for (var h = 0; h < hidden; h++)
                        expected[l * hidden + h] += values[(l * tokens.Count + t) * hidden + h] / (double)tokens.Count;
            AssertClose(expected, [.. pooled[i].SelectMany(layer => layer)], 1e-5);
        }
    }

    [Fact]
    public void HiddenStates_AreTheEmbeddingsThenTheLayersWhoseNormedLastGivesTheLogits()
    {
        using var model = Model();
        using var noGrad = no_grad();
        using var tokens = tensor(new long[] { 3, 1, 4, 1, 5, 9 }).view(1, 6);

        using var states = model.HiddenStates(tokens, finalNorm: true);  // [layers + 1, 1, 6, hidden]

        var weights = model.state_dict();
        Assert.Equal(model.Config.NumHiddenLayers + 1, states.shape[0]);
        using var embedded = weights["model.embed_tokens.weight"].index_select(0, tokens.view(-1));
        using var embeddingOutput = states[0];
        using var lastOutput = states[^1];
        Assert.Equal(Values(embedded), Values(embeddingOutput));
        using var logits = nn.functional.linear(lastOutput, weights["lm_head.weight"]);
        using var expected = model.forward(tokens);
        AssertClose(Values(expected).Select(v => (double)v).ToArray(), Values(logits), 1e-5);
    }
}
