using System.Text.Json.Nodes;
using Refinery.Modeling.Folders;
using Refinery.Modeling.Llama;
using static Refinery.Modeling.Tests.TestTorch;
using static TorchSharp.torch;

namespace Refinery.Modeling.Tests;

/// <summary>Refinery's model folders read by an independent PyTorch LlamaForCausalLM written from HF's
/// modeling_llama.py (tools/hf-reference/llama_reference.py) give Refinery's logits: the folders load in
/// `transformers` as they are, which cannot be installed here to check directly.</summary>
public sealed class HfReferenceTests : IDisposable
{
    private const double Tolerance = 1e-4;

    private readonly TempFolders _folders = new();

    public void Dispose() => _folders.Dispose();

    // Weights of N(0, 0.2) rather than HF's 0.02, so logits are of order one and a wrong rotation, mask or norm shows.
    private static readonly Dictionary<string, LlamaConfig> Configurations = new()
    {
        ["grouped-query, untied head"] = SmallConfig(tied: false) with { InitializerRange = 0.2 },
        ["tied embeddings, multi-head, rope_theta 500000"] = new()
        {
            VocabSize = 61, HiddenSize = 32, IntermediateSize = 40, NumHiddenLayers = 2, NumAttentionHeads = 4,
            MaxPositionEmbeddings = 64, TieWordEmbeddings = true, RopeTheta = 500_000, RmsNormEps = 1e-6,
            InitializerRange = 0.2,
        },
        ["one key/value head, head_dim 8 with hidden 24, rope_theta 1000"] = new()
        {
            VocabSize = 50, HiddenSize = 24, IntermediateSize = 56, NumHiddenLayers = 3, NumAttentionHeads = 4,
            NumKeyValueHeads = 1, HeadDim = 8, MaxPositionEmbeddings = 64, RopeTheta = 1000, InitializerRange = 0.2,
        },
    };

    public static TheoryData<string> ConfigurationNames => [.. Configurations.Keys];

    [Theory]
    [MemberData(nameof(ConfigurationNames))]
    public void SavedFolder_ReadByHfReference_GivesRefineryLogits(string name)
    {
        var config = Configurations[name];
        var sequences = Sequences(config.VocabSize);
        using var model = RandomModel(config);
        var folder = _folders.New();
        ModelFolder.Save(model, folder);

        var reference = PythonReference.Logits(folder, sequences);

        Assert.Equal(sequences.Length, reference.Length);
        for (var s = 0; s < sequences.Length; s++)
        {
            var actual = RefineryLogits(model, sequences[s]);
            var expected = reference[s].SelectMany(p => p).ToArray();
            Assert.Equal(sequences[s].Length * config.VocabSize, expected.Length);
            Assert.True(expected.Max(Math.Abs) > 1, $"sequence {s}: logits too small to tell models apart");
            var (worst, at) = MaxDifference(expected, actual);
            Assert.True(worst <= Tolerance,
                $"sequence {s}: max |reference − Refinery| = {worst:E2} at position {at / config.VocabSize}, " +
                $"token {at % config.VocabSize} (tolerance {Tolerance:E0})");
        }
    }

    [Fact]
    public void SavedFolder_WithAnotherRopeThetaInConfig_DisagreesWithRefinery()
    {
        // The comparison can fail: the same weights read with the default theta give other logits past position 0.
        var config = Configurations["tied embeddings, multi-head, rope_theta 500000"];
        long[] tokens = [5, 17, 3, 60, 0, 8, 8, 41];
        using var model = RandomModel(config);
        var folder = _folders.New();
        ModelFolder.Save(model, folder);
        var path = Path.Combine(folder, ModelFolder.ConfigFile);
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        json["rope_theta"] = 10000.0;
        File.WriteAllText(path, json.ToJsonString());

        var reference = PythonReference.Logits(folder, [tokens])[0].SelectMany(p => p).ToArray();

        var (worst, _) = MaxDifference(reference, RefineryLogits(model, tokens));
        Assert.True(worst > 1e-2, $"max difference {worst:E2}: rope_theta made no difference to the reference");
    }

    [Fact]
    public void HfReference_MisnamedTensor_IsRefusedNamingIt()
    {
        using var model = RandomModel(SmallConfig());
        var folder = _folders.New();
        ModelFolder.Save(model, folder);
        var path = Path.Combine(folder, ModelFolder.WeightsFile);
        var tensors = SafetensorsFile.Read(path);
        tensors["model.layers.1.mlp.upproj.weight"] = tensors["model.layers.1.mlp.up_proj.weight"];
        tensors.Remove("model.layers.1.mlp.up_proj.weight");
        SafetensorsFile.Write(path, tensors);
        foreach (var t in tensors.Values) t.Dispose();

        var (exitCode, stdout, stderr) = PythonReference.Run(folder, [[1, 2, 3]]);

        Assert.Equal(2, exitCode);
        Assert.Equal("", stdout);
        Assert.Contains("unexpected tensor 'model.layers.1.mlp.upproj.weight'", stderr);
        Assert.Contains("missing tensor 'model.layers.1.mlp.up_proj.weight'", stderr);
    }

    /// <summary>One token, a short and a longer sequence, both ends of the vocabulary included, fixed by seed.</summary>
    private static long[][] Sequences(int vocab)
    {
        var random = new Random(7);
        return
        [
            [1],
            [0, vocab - 1, 3, 3, 12, 7],
            [.. Enumerable.Range(0, 23).Select(_ => (long)random.Next(vocab))],
        ];
    }

    /// <summary>A model with random matrices and random norm gains (not HF's ones), so a swapped or misplaced
    /// norm weight changes the logits.</summary>
    private static LlamaModel RandomModel(LlamaConfig config)
    {
        Init();
        var model = new LlamaModel(config, seed: 11);
        using var generator = new Generator(12);
        using (no_grad())
            foreach (var (_, parameter) in model.named_parameters())
                if (parameter.dim() == 1)
                    parameter.uniform_(0.5, 1.5, generator);
        return model;
    }

    private static float[] RefineryLogits(LlamaModel model, long[] tokens)
    {
        using var ids = tensor(tokens).view(1, tokens.Length);  // [1, T]
        using var logits = model.forward(ids);  // [1, T, vocab]
        return Values(logits);
    }

    private static (double Worst, int At) MaxDifference(double[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var (worst, at) = (0.0, 0);
        for (var i = 0; i < expected.Length; i++)
        {
            var difference = Math.Abs(expected[i] - actual[i]);
            if (difference > worst || double.IsNaN(difference)) (worst, at) = (double.IsNaN(difference) ? double.PositiveInfinity : difference, i);
        }
        return (worst, at);
    }
}
