using System.Globalization;
using Refinery.Contracts.Dedup;

namespace Refinery.Hosting.Tests;

/// <summary>A dedup output's configuration tag names its status row and its clusters object, so two requests with
/// different options must never share one, and the same options must always give the same one.</summary>
public sealed class DedupConfigTagTests
{
    private static string Bloom(double rate) =>
        DedupOutputs.Config(new DeduplicateCorpus { Corpus = "web", Threshold = 0.8, Exact = ExactMode.Bloom, FalsePositiveRate = rate });

    [Theory]
    [InlineData(1e-7, 1e-300)]
    [InlineData(1.1e-6, 1.4e-6)]
    [InlineData(0.001, 0.0010000000000000002)]
    [InlineData(0.1234567, 0.1234568)]
    public void CloseFalsePositiveRates_GiveDistinctTags(double one, double other) =>
        Assert.NotEqual(Bloom(one), Bloom(other));

    [Fact]
    public void EveryRate_ReadsBackFromItsTag_ExactlyAsGiven()
    {
        var random = new Random(12);
        for (var i = 0; i < 10_000; i++)
        {
            var rate = Math.Pow(10, -random.NextDouble() * 300) * 0.999;
            var tag = Bloom(rate);
            Assert.Equal(rate, double.Parse(tag["rpv2-0.8-bloom".Length..], CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void TheUsualRates_KeepTheirShortTags() =>
        Assert.Equal(["rpv2-0.8-bloom0.01", "rpv2-0.8-bloom0.001", "rpv2-0.8-bloom0.0001"], new[] { 0.01, 0.001, 0.0001 }.Select(Bloom));
}
