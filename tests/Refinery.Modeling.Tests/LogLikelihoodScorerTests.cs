using Refinery.Modeling.Scoring;
using static Refinery.Modeling.Tests.ScoringReference;
using static Refinery.Modeling.Tests.TestTorch;

namespace Refinery.Modeling.Tests;

public sealed class LogLikelihoodScorerTests
{
    public LogLikelihoodScorerTests() => Init();

    [Fact]
    public void Score_MixedLengthsInPaddedBatches_EqualsOneAtATimeInRequestOrder()
    {
        using var model = Model();
        var random = new Random(5);
        var requests = Enumerable.Range(0, 14).Select(_ =>
        {
            var length = random.Next(2, 41);
            return new ScoringRequest(RandomTokens(random, length, model.Config.VocabSize), random.Next(1, length));
        }).ToArray();
        // Small limits, so the requests spread over several batches of padded rows.
        var options = new ScoringOptions { MaxBatchSize = 4, MaxBatchTokens = 100 };

        var results = new LogLikelihoodScorer(model, options).Score(requests);

        Assert.Equal(requests.Length, results.Count);
        for (var i = 0; i < requests.Length; i++)
        {
            var (logProbs, isGreedy) = ScoringReference.Score(model, requests[i].Tokens, requests[i].ScoredFrom);
            AssertClose(logProbs, [.. results[i].TokenLogProbs], 1e-5);
            Assert.True(Math.Abs(logProbs.Sum() - results[i].Sum) <= 1e-4, $"request {i}: sum {results[i].Sum}, expected {logProbs.Sum()}");
            Assert.Equal(isGreedy, results[i].IsGreedy);
        }
    }

    [Fact]
    public void IsGreedy_TrueExactlyWhenEveryScoredTokenIsTheArgmaxByHand()
    {
        using var model = Model();
        var random = new Random(6);
        var requests = new List<ScoringRequest>();
        var expected = new List<bool>();
        foreach (var contextLength in new[] { 3, 9, 17 })
        {
            var context = RandomTokens(random, contextLength, model.Config.VocabSize);
            var greedy = GreedyContinuation(model, context, 5);
            var changedLast = greedy.ToArray();
            changedLast[^1] = (changedLast[^1] + 1) % model.Config.VocabSize;
            requests.Add(ScoringRequest.FromPair(context, greedy));
            expected.Add(true);
            requests.Add(ScoringRequest.FromPair(context, changedLast));
            expected.Add(false);
        }

        var results = new LogLikelihoodScorer(model).Score(requests);

        Assert.Equal(expected, results.Select(r => r.IsGreedy));
    }

    [Fact]
    public void Score_LongerThanTheContext_IsCutOnTheLeftAsLmEvalDoes()
    {
        using var model = Model();
        var tokens = RandomTokens(new Random(7), model.Config.MaxPositionEmbeddings + 9, model.Config.VocabSize);

        var result = new LogLikelihoodScorer(model).Score([new ScoringRequest(tokens, tokens.Length - 4)]).Single();

        // The model sees the last context + 1 tokens; the 4 scored ones are the last 4 of them.
        var kept = tokens[^(model.Config.MaxPositionEmbeddings + 1)..];
        var (logProbs, _) = ScoringReference.Score(model, kept, kept.Length - 4);
        AssertClose(logProbs, [.. result.TokenLogProbs], 1e-5);
    }

    [Theory]
    [InlineData(0)]  // the first token has no prediction
    [InlineData(5)]  // nothing left to score
    public void Score_ScoredFromOutsideTheSequence_Throws(int scoredFrom)
    {
        using var model = Model();
        var scorer = new LogLikelihoodScorer(model);

        var error = Assert.Throws<ArgumentException>(() => scorer.Score([new ScoringRequest([1, 2, 3, 4, 5], scoredFrom)]));

        Assert.Contains("ScoredFrom", error.Message);
    }

    [Fact]
    public void Batching_LongestFirstWithinBothLimits_EveryRequestOnce()
    {
        int[] lengths = [5, 30, 12, 30, 1, 8, 12, 64, 3];
        var options = new ScoringOptions { MaxBatchSize = 3, MaxBatchTokens = 40 };

        var batches = Batching.Plan(lengths, options).ToArray();

        Assert.Equal([7, 1, 3, 2, 6, 5, 0, 8, 4], batches.SelectMany(b => b));  // descending, ties in request order
        Assert.Equal([7], batches[0]);                                      // alone: longer than the budget
        Assert.All(batches, b => Assert.True(b.Length <= 3 && (b.Length == 1 || b.Length * lengths[b[0]] <= 40)));
        Assert.Equal(5, batches.Length);  // [64] [30] [30] [12 12 8] [5 3 1]
    }
}
