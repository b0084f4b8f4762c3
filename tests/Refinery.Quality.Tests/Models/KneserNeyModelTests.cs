using Refinery.Quality.Models;

namespace Refinery.Quality.Tests.Models;

public sealed class KneserNeyModelTests
{
    private static readonly string[] SmallCorpus =
    [
        "the cat sat on the mat\nthe dog sat on the log",
        "a cat and a dog\nthe cat saw the dog on the mat",
        "the mat was red\nthe log was old and the cat was young",
    ];

    private static KneserNeyModel Small(int order) => SignalModelBuilder.BuildLanguageModel(new ModelBuildInputs
    {
        Name = "ccnet", Reference = SmallCorpus, CreatedAt = TestCorpora.FixedTime, HeldOutFraction = 0,
    }, new KneserNeyOptions(order, MinCount: 1));

    [Theory]
    [InlineData(3, new[] { "the", "cat" })]
    [InlineData(3, new[] { "on", "the" })]
    [InlineData(3, new[] { "<s>" })]
    [InlineData(3, new[] { "zebra", "the" })]
    [InlineData(4, new[] { "<s>", "the", "cat" })]
    [InlineData(4, new[] { "unseen", "words", "here" })]
    public void Probabilities_OverVocabularyForAHistory_SumToOne(int order, string[] history)
    {
        var model = Small(order);
        var sum = model.Vocabulary.Where(w => w != "<s>").Sum(w => model.Probability(history, w));
        // The model stores float probabilities (as KenLM does), so the sum is exact to float precision.
        Assert.Equal(1.0, sum, 6);
    }

    [Fact]
    public void Probability_SeenContinuation_ExceedsUnseen()
    {
        var model = Small(3);
        Assert.True(model.Probability(["the", "cat"], "sat") > model.Probability(["the", "cat"], "log"));
    }

    [Fact]
    public void Probability_UnknownWord_IsTheUnknownClass()
    {
        var model = Small(3);
        var unknown = model.Probability(["the"], "<unk>");
        Assert.True(unknown > 0);
        Assert.Equal(unknown, model.Probability(["the"], "aardvark"));
        Assert.Equal(unknown, model.Probability(["the"], "quokka"));
    }

    [Fact]
    public void Perplexity_IsCcnetFormulaOverLinesRoundedToOneDecimal()
    {
        var model = Small(3);
        const string text = "the cat sat\n\nthe dog saw a zebra";
        var (log, length) = (0.0, 0);
        foreach (var line in text.Split('\n'))
        {
            var (l, n) = model.ScoreLine(line);
            (log, length) = (log + l, length + n);
        }
        Assert.Equal(3 + 1 + 1 + 5 + 1, length);
        Assert.Equal(Math.Round(Math.Pow(10, -log / length), 1), model.Perplexity(text), 9);
    }

    [Fact]
    public void Bucket_SplitsAtTheThirtiethAndSixtiethPercentile()
    {
        var model = SignalModelBuilder.BuildLanguageModel(new ModelBuildInputs
        {
            Name = "ccnet", Reference = SmallCorpus, Web = ["the cat", "dog log mat", "zebra quokka", "a b c d", "the cat sat on the mat"],
            CreatedAt = TestCorpora.FixedTime, HeldOutFraction = 0,
        }, new KneserNeyOptions(3, MinCount: 1));
        Assert.True(model.HeadCutoff < model.TailCutoff);
        Assert.Equal(0.0, model.Bucket(model.HeadCutoff - 0.1));
        Assert.Equal(1.0, model.Bucket(model.HeadCutoff));
        Assert.Equal(2.0, model.Bucket(model.TailCutoff));
    }

    [Fact]
    public void Perplexity_CleanProse_IsBelowBoilerplateAndLowQualityWeb()
    {
        var model = RealModels.LanguageModel;
        double Median(IEnumerable<string> docs) => Percentile50(docs.Select(model.Perplexity));
        var wikiTest = Median(TestCorpora.WikiText("wikitext2_test.txt").Where(p => p.Length > 400).Take(150));
        var sotu = Median(TestCorpora.Sotu().Take(20));
        var boilerplate = Median(TestCorpora.BoilerplatePages());
        var lowQuality = Median(TestCorpora.LowQualityWeb());

        Assert.True(wikiTest < lowQuality, $"wikitext2 test {wikiTest} vs low-quality web {lowQuality}");
        Assert.True(wikiTest < boilerplate, $"wikitext2 test {wikiTest} vs boilerplate {boilerplate}");
        Assert.True(sotu < lowQuality, $"sotu {sotu} vs low-quality web {lowQuality}");
    }

    private static double Percentile50(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
