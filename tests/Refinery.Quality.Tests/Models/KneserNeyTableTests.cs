using Refinery.Quality.Models;

namespace Refinery.Quality.Tests.Models;

public sealed class KneserNeyTableTests
{
    /// <summary>Random packed n-grams of 1–5 words, as the language model stores them, with random values.</summary>
    private static Dictionary<UInt128, float> RandomEntries(int count, int seed)
    {
        var random = new Random(seed);
        var entries = new Dictionary<UInt128, float>();
        while (entries.Count < count)
        {
            var words = new int[random.Next(1, NGramKey.MaxOrder + 1)];
            for (var i = 0; i < words.Length; i++) words[i] = random.Next(0, 50); // small ids: many shared prefixes
            entries[NGramKey.Pack(words)] = random.NextSingle();
        }
        return entries;
    }

    [Fact]
    public void Lookup_AgreesWithTwoDictionaries_ForPresentAndAbsentKeys()
    {
        var discounted = RandomEntries(20_000, 1);
        var backoff = RandomEntries(10_000, 4); // overlaps the discounted keys in part, as histories do
        var table = new KneserNeyTable(discounted, backoff);
        Assert.Equal(discounted.Keys.Union(backoff.Keys).Count(), table.Count);
        foreach (var key in discounted.Keys.Concat(backoff.Keys).Concat(RandomEntries(20_000, 2).Keys))
        {
            var value = table.Lookup(key, out var gamma, out var hasGamma);
            Assert.Equal(discounted.GetValueOrDefault(key), value);
            Assert.Equal(discounted.ContainsKey(key), table.TryGetDiscounted(key, out _));
            Assert.Equal(backoff.TryGetValue(key, out var expected), hasGamma);
            if (hasGamma) Assert.Equal(expected, gamma);
        }
    }

    [Fact]
    public void Sorted_ListsEachKindOfEntryInKeyOrder()
    {
        var discounted = RandomEntries(5_000, 3);
        var backoff = RandomEntries(2_000, 5);
        var table = new KneserNeyTable(discounted, backoff);
        foreach (var (expected, kind) in new[] { (discounted, false), (backoff, true) })
        {
            var (keys, values) = table.Sorted(kind);
            Assert.Equal(expected.Keys.Order(), keys);
            for (var i = 0; i < keys.Length; i++) Assert.Equal(expected[keys[i]], values[i]);
        }
    }

    [Fact]
    public void Set_ExistingKey_ReplacesTheValue_AndAZeroValueIsStillPresent()
    {
        var table = new KneserNeyTable(2);
        table.SetDiscounted(7, 1f);
        table.SetDiscounted(7, 2f);
        table.SetBackoff(7, 0f);
        Assert.Equal(1, table.Count);
        Assert.Equal(2f, table.DiscountedOrZero(7));
        Assert.True(table.TryGetBackoff(7, out var gamma));
        Assert.Equal(0f, gamma);
        Assert.Equal(0f, table.DiscountedOrZero(8));
        Assert.False(table.TryGetBackoff(8, out _));
        Assert.False(table.TryGetDiscounted(8, out _));
    }
}
