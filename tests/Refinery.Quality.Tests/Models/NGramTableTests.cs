using Refinery.Quality.Models;

namespace Refinery.Quality.Tests.Models;

public sealed class NGramTableTests
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
    public void TryGetValue_AgreesWithADictionary_ForPresentAndAbsentKeys()
    {
        var entries = RandomEntries(20_000, 1);
        var table = new NGramTable(entries);
        Assert.Equal(entries.Count, table.Count);
        foreach (var (key, value) in entries)
        {
            Assert.True(table.TryGetValue(key, out var found));
            Assert.Equal(value, found);
        }
        foreach (var key in RandomEntries(20_000, 2).Keys)
            Assert.Equal(entries.TryGetValue(key, out var expected), table.TryGetValue(key, out var found) && found == expected);
    }

    [Fact]
    public void Sorted_ListsEveryEntryInKeyOrder()
    {
        var entries = RandomEntries(5_000, 3);
        var (keys, values) = new NGramTable(entries).Sorted();
        Assert.Equal(entries.Keys.Order(), keys);
        for (var i = 0; i < keys.Length; i++) Assert.Equal(entries[keys[i]], values[i]);
    }

    [Fact]
    public void Set_ExistingKey_ReplacesTheValue()
    {
        var table = new NGramTable(2);
        table.Set(7, 1f);
        table.Set(7, 2f);
        Assert.Equal(1, table.Count);
        Assert.Equal(2f, table.GetValueOrDefault(7));
        Assert.Equal(0f, table.GetValueOrDefault(8));
    }
}
