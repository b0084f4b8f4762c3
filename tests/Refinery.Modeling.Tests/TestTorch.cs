using Refinery.Modeling.Llama;
using Refinery.Modeling.Runtime;
using static TorchSharp.torch;

// libtorch's thread count, seeds and the glue-library fix are process-wide: the tests run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Refinery.Modeling.Tests;

/// <summary>Shared set-up and comparisons for the model tests.</summary>
internal static class TestTorch
{
    /// <summary>Loads libtorch with one thread: results do not depend on the machine's load.</summary>
    public static void Init() => TorchRuntime.SetThreads(1);

    /// <summary>A float32 tensor of the given shape from N(0, 1), the same for the same seed.</summary>
    public static Tensor RandomTensor(long seed, params long[] shape)
    {
        Init();
        using var generator = new Generator(unchecked((ulong)seed));
        return randn(shape, generator: generator);
    }

    public static float[] Values(Tensor t) => t.contiguous().data<float>().ToArray();

    /// <summary>Asserts element-wise closeness, naming the first index that differs.</summary>
    public static void AssertClose(double[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance,
                $"element {i}: expected {expected[i]}, got {actual[i]} (tolerance {tolerance})");
    }

    /// <summary>A small configuration with grouped-query attention (4 query heads share 2 key/value heads).</summary>
    public static LlamaConfig SmallConfig(bool tied = false) => new()
    {
        VocabSize = 50, HiddenSize = 32, IntermediateSize = 48, NumHiddenLayers = 2, NumAttentionHeads = 4,
        NumKeyValueHeads = 2, MaxPositionEmbeddings = 64, TieWordEmbeddings = tied, BosTokenId = 1, EosTokenId = 2,
    };
}

/// <summary>Empty folders under the temp directory, deleted with the test class that made them.</summary>
internal sealed class TempFolders : IDisposable
{
    private readonly List<string> _paths = [];

    public string New()
    {
        var path = Path.Combine(Path.GetTempPath(), "refinery-modeling-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        _paths.Add(path);
        return path;
    }

    public void Dispose()
    {
        foreach (var path in _paths) Directory.Delete(path, recursive: true);
    }
}
