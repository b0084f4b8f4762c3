using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
using Refinery.Modeling.Folders;
using Refinery.Modeling.Llama;
using static Refinery.Modeling.Tests.TestTorch;
using static TorchSharp.torch;

namespace Refinery.Modeling.Tests;

public sealed class ModelFolderTests : IDisposable
{
    private readonly TempFolders _folders = new();

    public void Dispose() => _folders.Dispose();

    /// <summary>HF's LlamaForCausalLM state dict for <see cref="TestTorch.SmallConfig"/> (vocab 50, hidden 32, MLP 48,
    /// 2 layers, 4 heads of 8, 2 key/value heads), written from HF's naming: nn.Linear weights are [out, in].</summary>
    private static Dictionary<string, long[]> HfTable(bool tied)
    {
        var table = new Dictionary<string, long[]> { ["model.embed_tokens.weight"] = [50, 32] };
        foreach (var i in new[] { 0, 1 })
        {
            table[$"model.layers.{i}.self_attn.q_proj.weight"] = [32, 32];
            table[$"model.layers.{i}.self_attn.k_proj.weight"] = [16, 32];
            table[$"model.layers.{i}.self_attn.v_proj.weight"] = [16, 32];
            table[$"model.layers.{i}.self_attn.o_proj.weight"] = [32, 32];
            table[$"model.layers.{i}.mlp.gate_proj.weight"] = [48, 32];
            table[$"model.layers.{i}.mlp.up_proj.weight"] = [48, 32];
            table[$"model.layers.{i}.mlp.down_proj.weight"] = [32, 48];
            table[$"model.layers.{i}.input_layernorm.weight"] = [32];
            table[$"model.layers.{i}.post_attention_layernorm.weight"] = [32];
        }
        table["model.norm.weight"] = [32];
        if (!tied) table["lm_head.weight"] = [50, 32];
        return table;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Save_SafetensorsHeader_HasHfNamesShapesFloat32AndPtFormat(bool tied)
    {
        using var model = new LlamaModel(SmallConfig(tied), seed: 1);
        var folder = _folders.New();

        ModelFolder.Save(model, folder);

        // Parsed here by hand from the safetensors layout: u64 header length, JSON header, tensor bytes.
        var bytes = File.ReadAllBytes(Path.Combine(folder, ModelFolder.WeightsFile));
        var headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, headerLength % 8);
        var header = JsonNode.Parse(bytes.AsSpan(8, (int)headerLength))!.AsObject();
        Assert.Equal("pt", (string?)header["__metadata__"]?["format"]);

        var tensors = header.Where(p => p.Key != "__metadata__").ToDictionary(p => p.Key, p => p.Value!.AsObject());
        var expected = HfTable(tied);
        Assert.Equal(expected.Keys.Order(), tensors.Keys.Order());
        long dataBytes = 0;
        foreach (var (name, shape) in expected)
        {
            Assert.Equal("F32", (string?)tensors[name]["dtype"]);
            Assert.Equal(shape, tensors[name]["shape"]!.AsArray().Select(d => (long)d!));
            var offsets = tensors[name]["data_offsets"]!.AsArray().Select(o => (long)o!).ToArray();
            Assert.Equal(shape.Aggregate(4L, (a, b) => a * b), offsets[1] - offsets[0]);
            dataBytes += offsets[1] - offsets[0];
        }
        Assert.Equal(8 + headerLength + dataBytes, bytes.Length);
    }

    [Fact]
    public void Save_ConfigAndGenerationConfig_UseHfFieldNames()
    {
        using var model = new LlamaModel(SmallConfig(), seed: 1);
        var folder = _folders.New();

        ModelFolder.Save(model, folder);

        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, ModelFolder.ConfigFile)))!;
        Assert.Equal("LlamaForCausalLM", (string?)config["architectures"]![0]);
        Assert.Equal("llama", (string?)config["model_type"]);
        Assert.Equal("float32", (string?)config["torch_dtype"]);
        Assert.Equal(32, (int)config["hidden_size"]!);
        Assert.Equal(48, (int)config["intermediate_size"]!);
        Assert.Equal(2, (int)config["num_hidden_layers"]!);
        Assert.Equal(4, (int)config["num_attention_heads"]!);
        Assert.Equal(2, (int)config["num_key_value_heads"]!);
        Assert.Equal(50, (int)config["vocab_size"]!);
        Assert.False((bool)config["tie_word_embeddings"]!);
        var generation = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, ModelFolder.GenerationConfigFile)))!;
        Assert.Equal(1, (int)generation["bos_token_id"]!);
        Assert.Equal(2, (int)generation["eos_token_id"]!);
        Assert.False((bool)generation["do_sample"]!);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SaveThenLoad_IntoModelOfAnotherSeed_GivesIdenticalLogits(bool tied)
    {
        Init();
        using var saved = new LlamaModel(SmallConfig(tied), seed: 1);
        using var other = new LlamaModel(SmallConfig(tied), seed: 2);
        using var tokens = tensor(new long[] { 1, 7, 3, 49, 0, 12, 5, 8 }).view(2, 4);
        using var expected = saved.forward(tokens);
        using var otherLogits = other.forward(tokens);
        Assert.False(otherLogits.eq(expected).all().item<bool>(), "two seeds gave the same model; the test would prove nothing");
        var folder = _folders.New();

        ModelFolder.Save(saved, folder);
        using var loaded = ModelFolder.Load(folder);
        using var actual = loaded.forward(tokens);

        Assert.Equal(new long[] { 2, 4, 50 }, actual.shape);
        Assert.True(actual.eq(expected).all().item<bool>());
        Assert.Equal(SmallConfig(tied).ToJson(), loaded.Config.ToJson());
    }

    [Fact]
    public void Load_TiedModelWithAnExactHeadCopy_Loads_ButADifferentHeadIsRefused()
    {
        var folder = SavedFolder(tied: true);
        RewriteWeights(folder, tensors => tensors["lm_head.weight"] = tensors["model.embed_tokens.weight"].clone());
        using (ModelFolder.Load(folder)) { }

        RewriteWeights(folder, tensors => tensors["lm_head.weight"] = tensors["model.embed_tokens.weight"] + 1);
        var error = Assert.Throws<ModelFolderException>(() => ModelFolder.Load(folder));
        Assert.Contains("unexpected tensor 'lm_head.weight'", error.Message);
    }

    [Fact]
    public void Load_MisnamedTensor_IsRefusedNamingIt()
    {
        var folder = SavedFolder();
        RewriteWeights(folder, tensors =>
        {
            tensors["model.layers.1.mlp.upproj.weight"] = tensors["model.layers.1.mlp.up_proj.weight"];
            tensors.Remove("model.layers.1.mlp.up_proj.weight");
        });

        var error = Assert.Throws<ModelFolderException>(() => ModelFolder.Load(folder));

        Assert.Equal(ModelFolder.WeightsFile, error.File);
        Assert.Contains("unexpected tensor 'model.layers.1.mlp.upproj.weight'", error.Message);
        Assert.Contains("missing tensor 'model.layers.1.mlp.up_proj.weight'", error.Message);
    }

    [Fact]
    public void Load_MisshapedTensor_IsRefusedNamingItAndBothShapes()
    {
        var folder = SavedFolder();
        RewriteWeights(folder, tensors => tensors["model.layers.0.self_attn.k_proj.weight"] = zeros(32, 32));

        var error = Assert.Throws<ModelFolderException>(() => ModelFolder.Load(folder));

        Assert.Equal(ModelFolder.WeightsFile, error.File);
        Assert.Contains("tensor 'model.layers.0.self_attn.k_proj.weight' has shape [32, 32], expected [16, 32]", error.Message);
    }

    [Fact]
    public void Load_TensorOfAnotherDtype_IsRefusedNamingIt()
    {
        var folder = SavedFolder();
        RewriteWeights(folder, tensors => tensors["model.norm.weight"] = ones(new long[] { 32 }, dtype: ScalarType.Float64));

        var error = Assert.Throws<ModelFolderException>(() => ModelFolder.Load(folder));

        Assert.Contains("tensor 'model.norm.weight' is Float64, expected Float32", error.Message);
    }

    [Fact]
    public void Load_WithoutConfig_IsRefusedNamingConfigJson()
    {
        var folder = SavedFolder();
        File.Delete(Path.Combine(folder, ModelFolder.ConfigFile));

        var error = Assert.Throws<ModelFolderException>(() => ModelFolder.Load(folder));

        Assert.Equal(ModelFolder.ConfigFile, error.File);
    }

    [Fact]
    public void Load_ConfigOfAnotherShape_IsRefusedNamingTheTensors()
    {
        var folder = SavedFolder();
        File.WriteAllText(Path.Combine(folder, ModelFolder.ConfigFile), (SmallConfig() with { IntermediateSize = 64 }).ToJson());

        var error = Assert.Throws<ModelFolderException>(() => ModelFolder.Load(folder));

        Assert.Contains("tensor 'model.layers.0.mlp.gate_proj.weight' has shape [48, 32], expected [64, 32]", error.Message);
    }

    [Fact]
    public void Load_TruncatedWeights_IsRefusedNamingTheFile()
    {
        var folder = SavedFolder();
        var path = Path.Combine(folder, ModelFolder.WeightsFile);
        File.WriteAllBytes(path, File.ReadAllBytes(path).AsSpan(0, 100).ToArray());

        var error = Assert.Throws<ModelFolderException>(() => ModelFolder.Load(folder));

        Assert.Equal(ModelFolder.WeightsFile, error.File);
    }

    private string SavedFolder(bool tied = false)
    {
        using var model = new LlamaModel(SmallConfig(tied), seed: 1);
        var folder = _folders.New();
        ModelFolder.Save(model, folder);
        return folder;
    }

    private static void RewriteWeights(string folder, Action<Dictionary<string, Tensor>> change)
    {
        var path = Path.Combine(folder, ModelFolder.WeightsFile);
        var tensors = SafetensorsFile.Read(path);
        change(tensors);
        SafetensorsFile.Write(path, tensors);
        foreach (var t in tensors.Values) t.Dispose();
    }
}
