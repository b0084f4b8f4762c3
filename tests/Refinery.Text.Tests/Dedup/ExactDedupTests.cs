using Refinery.Text.Dedup;

namespace Refinery.Text.Tests.Dedup;

public sealed class ExactDedupTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("refinery-exact-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static UInt128 Key(int i) => new((ulong)i * 0x9E3779B97F4A7C15UL, (ulong)i);

    [Fact]
    public void Index_FindsKeysOfEarlierInputs_KeepsTheFirstDocument_AndPersists()
    {
        const ulong first = 1, second = 2;
        var index = new ExactIndex(_dir);
        Assert.Equal(3, index.Add([(Key(1), 10UL), (Key(2), 20UL), (Key(1), 11UL), (Key(3), 30UL)], first));

        var reopened = new ExactIndex(_dir);
        Assert.Equal([10UL, null, 30UL], reopened.Lookup([Key(1), Key(4), Key(3)], second));
        Assert.Equal([null, null], reopened.Lookup([Key(1), Key(3)], first)); // the same input again: not an earlier copy
        Assert.Equal(1, reopened.Add([(Key(1), 99UL), (Key(4), 40UL)], second));
        Assert.Equal(4, reopened.Count);
    }

    [Fact]
    public void Index_RejectsATruncatedPartition()
    {
        var index = new ExactIndex(_dir);
        index.Add([(Key(5), 50UL)], 1);
        var file = Directory.GetFiles(_dir).Single();
        File.WriteAllBytes(file, File.ReadAllBytes(file)[..^3]);

        var error = Assert.Throws<InvalidDataException>(() => index.Lookup([Key(5)], 2));
        Assert.Contains(Path.GetFileName(file), error.Message);
    }

    [Fact]
    public void Bloom_NeverMissesAnAddedKey_AndItsFalsePositivesStayNearTheConfiguredRate()
    {
        const int n = 50_000;
        var bloom = new BloomFilter(n, 0.01);
        for (var i = 0; i < n; i++) bloom.Add(Key(i));
        for (var i = 0; i < n; i++) Assert.True(bloom.Contains(Key(i)));
        var falsePositives = Enumerable.Range(n, n).Count(i => bloom.Contains(Key(i)));

        Assert.InRange(falsePositives / (double)n, 0.0, 0.02);
        Assert.Equal((7, 479_296L), (bloom.Hashes, bloom.Bits)); // m = ⌈−n ln p / ln² 2⌉ rounded up to whole words, k = round(m/n ln 2)
    }

    [Fact]
    public void Bloom_SurvivesSaveAndLoad_AndRejectsADamagedFile()
    {
        var bloom = new BloomFilter(1_000, 0.001);
        for (var i = 0; i < 500; i++) bloom.Add(Key(i));
        var path = Path.Combine(_dir, "bloom.bin");
        bloom.Save(path);

        var loaded = BloomFilter.Load(path);
        Assert.Equal((bloom.Bits, bloom.Hashes, 500L), (loaded.Bits, loaded.Hashes, loaded.Count));
        Assert.All(Enumerable.Range(0, 500), i => Assert.True(loaded.Contains(Key(i))));

        File.WriteAllBytes(path, File.ReadAllBytes(path)[..^8]);
        Assert.Throws<InvalidDataException>(() => BloomFilter.Load(path));
    }
}
