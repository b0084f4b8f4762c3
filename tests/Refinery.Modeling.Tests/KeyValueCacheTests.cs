using Refinery.Modeling.Llama;
using static Refinery.Modeling.Tests.TestTorch;
using static TorchSharp.torch;

namespace Refinery.Modeling.Tests;

public sealed class KeyValueCacheTests
{
    public KeyValueCacheTests() => Init();

    [Theory]
    [InlineData(new[] { 1 })]           // token by token, as generation runs
    [InlineData(new[] { 5, 3, 1, 3 })]  // a prompt, then chunks whose queries follow cached keys (the position mask)
    public void Logits_InChunksWithCache_EqualFullForward(int[] chunks)
    {
        const int Batch = 2, Length = 12;
        // Weights spread wider than HF's 0.02, so logits are of order 1 and the tolerance is tight relative to them.
        var config = SmallConfig() with { InitializerRange = 0.2 };
        using var model = new LlamaModel(config, seed: 3);
        using var tokens = RandomTokens(seed: 4, Batch, Length, config.VocabSize);
        using var noGrad = no_grad();
        using var full = model.forward(tokens);  // [2, 12, vocab]

        using var cache = new KeyValueCache(config, Batch);
        using var scope = NewDisposeScope();
        var pieces = new List<Tensor>();
        var at = 0L;
        for (var i = 0; at < Length; i++)
        {
            var size = Math.Min(chunks[i % chunks.Length], Length - at);
            pieces.Add(model.Logits(tokens.narrow(1, at, size), cache));  // [2, size, vocab]
            at += size;
        }
        var cached = cat(pieces, 1);

        Assert.Equal(Length, cache.Length);
        Assert.Equal(full.shape, cached.shape);
        AssertClose(Values(full).Select(v => (double)v).ToArray(), Values(cached), 1e-5);
    }

    [Fact]
    public void Logits_PastCapacity_ThrowsAndKeepsTheCache()
    {
        var config = SmallConfig();
        using var model = new LlamaModel(config, seed: 3);
        using var tokens = RandomTokens(seed: 5, 1, 5, config.VocabSize);
        using var noGrad = no_grad();
        using var cache = new KeyValueCache(config, batch: 1, capacity: 4);
        using var first = model.Logits(tokens.narrow(1, 0, 3), cache);

        var error = Assert.Throws<ArgumentException>(() => model.Logits(tokens.narrow(1, 3, 2), cache));

        Assert.Contains("3 of 4 positions", error.Message);
        Assert.Equal(3, cache.Length);
    }

    [Fact]
    public void Logits_OtherBatchSize_Throws()
    {
        var config = SmallConfig();
        using var model = new LlamaModel(config, seed: 3);
        using var tokens = RandomTokens(seed: 6, 2, 3, config.VocabSize);
        using var cache = new KeyValueCache(config, batch: 1);

        var error = Assert.Throws<ArgumentException>(() => model.Logits(tokens, cache));

        Assert.Contains("holds 1 sequences", error.Message);
    }

    /// <summary>Token ids [batch, length] drawn uniformly below the vocabulary size, the same for the same seed.</summary>
    internal static Tensor RandomTokens(int seed, int batch, int length, int vocabulary)
    {
        Init();
        var random = new Random(seed);
        var ids = Enumerable.Range(0, batch * length).Select(_ => (long)random.Next(vocabulary)).ToArray();
        return tensor(ids).view(batch, length);
    }
}
