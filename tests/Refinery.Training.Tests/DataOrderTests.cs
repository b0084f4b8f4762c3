using Refinery.TestSupport;
using Refinery.Storage;
using Refinery.Training.Data;

namespace Refinery.Training.Tests;

public sealed class DataOrderTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(1000)]
    [InlineData(4097)]
    public void WindowOrder_VisitsEveryWindowOncePerEpoch(long count)
    {
        var order = new WindowOrder(count, seed: 7, stage: 0, epoch: 0);
        var seen = new bool[count];
        for (long i = 0; i < count; i++)
        {
            var w = order[i];
            Assert.InRange(w, 0, count - 1);
            Assert.False(seen[w], $"window {w} drawn twice");
            seen[w] = true;
        }
    }

    [Fact]
    public void WindowOrder_IsFixedBySeed_AndChangesWithSeedEpochAndStage()
    {
        long[] Draws(long seed, int stage, long epoch) => Enumerable.Range(0, 50).Select(i => new WindowOrder(1000, seed, stage, epoch)[i]).ToArray();
        Assert.Equal(Draws(1, 0, 0), Draws(1, 0, 0));
        Assert.NotEqual(Draws(1, 0, 0), Draws(2, 0, 0));
        Assert.NotEqual(Draws(1, 0, 0), Draws(1, 0, 1));
        Assert.NotEqual(Draws(1, 0, 0), Draws(1, 1, 0));
        // Not the identity: the order is shuffled.
        Assert.NotEqual(Enumerable.Range(0, 50).Select(i => (long)i).ToArray(), Draws(1, 0, 0));
    }

    [Fact]
    public void TokenStream_ReadsAcrossFiles_AsOneStream()
    {
        var folder = Directory.CreateTempSubdirectory("tokens").FullName;
        try
        {
            var a = Path.Combine(folder, "a.bin");
            var b = Path.Combine(folder, "b.bin");
            File.WriteAllBytes(a, [1, 0, 2, 0, 3, 0]);
            File.WriteAllBytes(b, [4, 0, 5, 1]);
            using var stream = new TokenStream([(a, 3), (b, 2)], tokenBytes: 2);
            var window = new long[4];
            stream.Read(1, window);
            Assert.Equal([2L, 3, 4, 261], window);
            Assert.Equal(0, stream.FileAt(2));
            Assert.Equal(1, stream.FileAt(3));
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void TokenStream_RefusesAFileWhoseSizeIsNotItsTokenCount()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, [1, 0, 2]);
            var e = Assert.Throws<InvalidDataException>(() => new TokenStream([(path, 2)], 2));
            Assert.Contains(path, e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task MixtureStage_DrawsItsComponentsInProportionToTheirTokens()
    {
        // A mixture version holds one part per component, each sized to its weight's share of the budget (Curation's
        // MixtureBuilder); uniform draws over the stream must then follow the weights.
        var root = Directory.CreateTempSubdirectory("mixture").FullName;
        try
        {
            var store = new FileSystemObjectStore(root);
            var docs = ByteTokenVersions.Shakespeare();
            var heavy = string.Join("\n", docs.Take(600));
            var light = string.Join("\n", docs.Skip(600).Take(600))[..(heavy.Length / 3)];
            var version = await ByteTokenVersions.WriteAsync(store, "mix", [heavy, light], validationEvery: 0, documentsPerPart: 1);
            var data = await DatasetVersionData.ReadAsync(store, "mix", version, default);
            var local = await data.DownloadAsync(store, data.Train, Path.Combine(root, "local"), default);
            using var stream = new TokenStream(local, 2);
            var windows = new StageWindows(stream, context: 64, seed: 3, stage: 0);
            var fromHeavy = Enumerable.Range(0, 800).Count(d => stream.FileAt(windows.StartOf(d)) == 0);
            Assert.InRange(fromHeavy / 800.0, 0.75 - 0.05, 0.75 + 0.05);
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }
}
