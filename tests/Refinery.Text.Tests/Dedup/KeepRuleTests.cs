using Refinery.Contracts.Dedup;
using Refinery.Text.Dedup;

namespace Refinery.Text.Tests.Dedup;

public sealed class KeepRuleTests
{
    [Theory]
    [InlineData("first")]
    [InlineData("longest")]
    [InlineData("max:rps_doc_word_count")]
    [InlineData("min:rps_doc_frac_unique_words")]
    public void Parse_ThenToString_GivesTheSameText(string text) => Assert.Equal(text, new KeepRule(KeepPolicy.Parse(text)).ToString());

    [Theory]
    [InlineData("max:")]
    [InlineData("longest ")]
    [InlineData("biggest")]
    [InlineData("max")]
    [InlineData("first:s")]
    [InlineData("max:Rps")]
    [InlineData(null)]
    public void Parse_OfNoRule_Fails(string? text) => Assert.False(KeepPolicy.TryParse(text, out _));

    // Documents 0..5: cluster {0, 2, 4}, cluster {1, 3}, document 5 alone.
    private static UnionFind Clusters()
    {
        var components = new UnionFind([10UL, 11UL, 12UL, 13UL, 14UL, 15UL]);
        components.Union(0, 2);
        components.Union(2, 4);
        components.Union(1, 3);
        return components;
    }

    [Theory]
    [InlineData("first", 0, 1)]
    [InlineData("longest", 2, 3)]
    [InlineData("max:s", 4, 3)]
    [InlineData("min:s", 0, 3)]
    public void Choose_KeepsTheBestMemberOfEachCluster(string rule, int keptOfFirst, int keptOfSecond)
    {
        var components = Clusters();
        int[] lengths = [5, 1, 9, 7, 9, 100];
        // Document 1 has no value: it ranks below every value, so cluster {1, 3} keeps 3 under max and min alike.
        double[] values = [0.2, double.NaN, 0.7, 0.5, 0.9, 1.0];
        var chosen = new KeepRule(KeepPolicy.Parse(rule)).Choose(components, _ => false, lengths, values);

        Assert.Equal(2, chosen.Count);
        Assert.Equal(keptOfFirst, chosen[components.Find(0)]);
        Assert.Equal(keptOfSecond, chosen[components.Find(1)]);
    }

    [Fact]
    public void Choose_NeverKeepsAnExcludedMember_AndTiesGoToTheFirst()
    {
        var components = Clusters();
        var chosen = new KeepRule(KeepPolicy.Longest).Choose(components, i => i == 2, [5, 1, 9, 7, 9, 100]);

        Assert.Equal(4, chosen[components.Find(0)]); // 2 is as long but excluded; 4 beats 0
        Assert.Equal(3, chosen[components.Find(1)]);
        Assert.DoesNotContain(components.Find(5), chosen.Keys); // alone: nothing to keep
    }

    [Fact]
    public void Choose_WithoutTheValuesItReads_Throws() =>
        Assert.Throws<ArgumentNullException>(() => new KeepRule(KeepPolicy.Parse("max:s")).Choose(Clusters(), _ => false));
}
