using Refinery.Modeling.Deltas;
using Refinery.Modeling.Llama;
using Refinery.Modeling.Scoring;
using static Refinery.Modeling.Tests.ScoringReference;
using static Refinery.Modeling.Tests.TestTorch;
using static TorchSharp.torch;

namespace Refinery.Modeling.Tests;

public sealed class LinearDeltaTests
{
    private const long BaseSeed = 3;

    public LinearDeltaTests() => Init();

    [Fact]
    public void RowDeltaHook_TwoDeltasInOneBatch_EqualsTheMergedModelsRowByRow()
    {
        using var model = Model(BaseSeed);
        using var first = RandomDelta(model, seed: 20);
        using var second = RandomDelta(model, seed: 21);
        ILinearDelta?[] rowDeltas = [first, second, null, first];
        using var merged = Merged(first);
        using var mergedSecond = Merged(second);
        LlamaModel[] rowModels = [merged, mergedSecond, model, merged];
        using var tokens = KeyValueCacheTests.RandomTokens(seed: 22, rowDeltas.Length, 10, model.Config.VocabSize);
        using var noGrad = no_grad();

        using var logits = model.Logits(tokens, positionOffset: 0, new RowDeltaHook(rowDeltas));  // [4, 10, vocab]

        for (var row = 0; row < rowDeltas.Length; row++)
        {
            using var rowTokens = tokens.narrow(0, row, 1);
            using var expected = rowModels[row].forward(rowTokens);
            using var actual = logits.narrow(0, row, 1);
            AssertClose(Values(expected).Select(v => (double)v).ToArray(), Values(actual), 1e-5);
        }
    }

    [Fact]
    public void Score_RequestsOnDifferentDeltas_EqualScoringOnTheMergedModels()
    {
        using var model = Model(BaseSeed);
        using var first = RandomDelta(model, seed: 23);
        using var second = RandomDelta(model, seed: 24);
        using var mergedFirst = Merged(first);
        using var mergedSecond = Merged(second);
        (ILinearDelta? Delta, LlamaModel Model)[] fineTunes = [(null, model), (first, mergedFirst), (second, mergedSecond)];
        var random = new Random(25);
        // Lengths rise with the index, so each batch of 3 (longest first) holds the base model and both deltas.
        var requests = Enumerable.Range(0, 8).Select(i =>
            new ScoringRequest(RandomTokens(random, 3 + 2 * i, model.Config.VocabSize), 1 + i)
            { Delta = fineTunes[i % 3].Delta }).ToArray();

        var results = new LogLikelihoodScorer(model, new ScoringOptions { MaxBatchSize = 3 }).Score(requests);

        for (var i = 0; i < requests.Length; i++)
        {
            var (logProbs, _) = ScoringReference.Score(fineTunes[i % 3].Model, requests[i].Tokens, requests[i].ScoredFrom);
            AssertClose(logProbs, [.. results[i].TokenLogProbs], 1e-5);
        }
    }

    [Fact]
    public void ScoreAfter_PrefixRunWithADelta_EqualsTheMergedModel()
    {
        using var model = Model(BaseSeed);
        using var delta = RandomDelta(model, seed: 25);
        using var merged = Merged(delta);
        var scorer = new LogLikelihoodScorer(model);
        int[] prefixTokens = [5, 10, 15, 20, 25, 30];
        int[] continuation = [7, 14, 21, 28];

        using var prefix = scorer.Prefix(prefixTokens, delta);
        var result = scorer.ScoreAfter(prefix, [new ScoringRequest(continuation, 0) { Delta = delta }]).Single();

        var (logProbs, _) = ScoringReference.Score(merged, [.. prefixTokens, .. continuation], prefixTokens.Length);
        AssertClose(logProbs, [.. result.TokenLogProbs], 1e-5);
    }

    [Fact]
    public void Hook_IsAskedAtEveryLinearLayerByItsHfName()
    {
        using var model = Model(BaseSeed);
        var hook = new RecordingHook();
        using var tokens = tensor(new long[] { 1, 2, 3 }).view(1, 3);
        using var noGrad = no_grad();

        using var logits = model.Logits(tokens, positionOffset: 0, hook);

        // Every 2-D weight but the embedding's is a linear layer the hook is asked about, under the weight's own name.
        var linearWeights = model.named_parameters()
            .Where(p => p.parameter.dim() == 2 && p.name != "model.embed_tokens.weight").Select(p => p.name);
        Assert.Equal(linearWeights.Order(), hook.Sites.Select(site => site.WeightName).Order());
    }

    [Fact]
    public void Logits_WithoutHookOrWithAnEmptyOne_AreAsBeforeHooksExisted()
    {
        var config = SmallConfig() with { InitializerRange = 0.2 };
        using var model = new LlamaModel(config, seed: 11);
        using var tokens = tensor(new long[] { 1, 7, 19, 3, 42, 8, 0, 33 }).view(1, 8);
        using var noGrad = no_grad();

        using var plain = model.forward(tokens);
        using var hooked = model.Logits(tokens, positionOffset: 0, new RecordingHook());

        // Printed by the model code before this change (commit 901f13c), same seed and tokens.
        float[] lastPositionBefore = [-0.12624586f, -1.6909573f, -1.5338479f, -0.9051045f, -1.1125671f, 0.36712202f, 1.736346f, -0.50190365f];
        AssertClose(lastPositionBefore.Select(v => (double)v).ToArray(), Values(plain)[(7 * 50)..(7 * 50 + 8)], 1e-6);
        Assert.Equal(Values(plain), Values(hooked));  // a hook that adds nothing changes no bit
    }

    /// <summary>A dense delta on every linear layer, lm_head included, of about a quarter of the weights' spread.</summary>
    private static DenseLinearDelta RandomDelta(LlamaModel model, long seed)
    {
        var config = model.Config;
        var sites = Enumerable.Range(0, config.NumHiddenLayers)
            .SelectMany(layer => Enum.GetValues<LinearProjection>().Where(p => p != LinearProjection.LmHead)
                .Select(p => new LinearSite(layer, p)))
            .Append(LinearSite.LmHead);
        var weights = model.state_dict();
        return new DenseLinearDelta(sites.Select((site, i) =>
            (site, RandomTensor(seed * 100 + i, weights[site.WeightName].shape) * 0.05))
            .ToDictionary(pair => pair.site, pair => pair.Item2));
    }

    /// <summary>The base model with W + Δ written into its weights: the fine-tune the delta stands for.</summary>
    private static LlamaModel Merged(DenseLinearDelta delta)
    {
        var model = Model(BaseSeed);
        var weights = model.state_dict();
        using var noGrad = no_grad();
        foreach (var (site, matrix) in delta.Matrices) weights[site.WeightName].add_(matrix);
        return model;
    }

    private sealed class RecordingHook : ILinearHook
    {
        public List<LinearSite> Sites { get; } = [];

        public Tensor? Delta(LinearSite site, Tensor x)
        {
            Sites.Add(site);
            return null;
        }
    }
}
