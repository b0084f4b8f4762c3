using Refinery.Modeling.Scoring;
using static Refinery.Modeling.Tests.ScoringReference;
using static Refinery.Modeling.Tests.TestTorch;

namespace Refinery.Modeling.Tests;

public sealed class SharedPrefixTests
{
    public SharedPrefixTests() => Init();

    [Fact]
    public void ScoreAfter_SharedPrefix_EqualsScoringTheJoinedSequences()
    {
        using var model = Model();
        var random = new Random(8);
        var prefixTokens = RandomTokens(random, 20, model.Config.VocabSize);
        // Mixed lengths, several of one token (a batch of those runs no forward: the prefix's last logits score them).
        var continuations = new[] { 1, 14, 1, 6, 9, 1, 3, 2, 11 }.Select(length =>
            new ScoringRequest(RandomTokens(random, length, model.Config.VocabSize), random.Next(0, length))).ToArray();
        var scorer = new LogLikelihoodScorer(model, new ScoringOptions { MaxBatchSize = 3, MaxBatchTokens = 90 });

        using var prefix = scorer.Prefix(prefixTokens);
        var results = scorer.ScoreAfter(prefix, continuations);

        for (var i = 0; i < continuations.Length; i++)
        {
            int[] joined = [.. prefixTokens, .. continuations[i].Tokens];
            var (logProbs, isGreedy) = ScoringReference.Score(model, joined, prefixTokens.Length + continuations[i].ScoredFrom);
            AssertClose(logProbs, [.. results[i].TokenLogProbs], 1e-5);
            Assert.Equal(isGreedy, results[i].IsGreedy);
        }
    }

    [Fact]
    public void ScoreAfter_PrefixUsedTwice_GivesTheSameResults()
    {
        using var model = Model();
        var scorer = new LogLikelihoodScorer(model);
        using var prefix = scorer.Prefix([4, 8, 15, 16, 23, 42]);
        ScoringRequest[] continuations = [new([1, 2, 3], 0), new([9], 0)];

        var first = scorer.ScoreAfter(prefix, continuations);
        var second = scorer.ScoreAfter(prefix, continuations);

        // Each batch copies the prefix into its own cache; the prefix's cache is never written.
        Assert.Equal(first.SelectMany(r => r.TokenLogProbs), second.SelectMany(r => r.TokenLogProbs));
    }

    [Fact]
    public void ScoreAfter_ContinuationPastTheContext_Throws()
    {
        using var model = Model();
        var scorer = new LogLikelihoodScorer(model);
        using var prefix = scorer.Prefix(RandomTokens(new Random(9), 60, model.Config.VocabSize));

        var error = Assert.Throws<ArgumentException>(() => scorer.ScoreAfter(prefix, [new ScoringRequest([1, 2, 3, 4, 5, 6], 0)]));

        Assert.Contains("exceed the context of 64", error.Message);
    }
}
