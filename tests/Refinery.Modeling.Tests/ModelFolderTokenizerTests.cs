using System.Text.Json.Nodes;
using Refinery.Contracts.Curation;
using Refinery.Modeling.Folders;
using Refinery.Modeling.Llama;
using Refinery.Text.Tokenizers;
using static Refinery.Modeling.Tests.TestTorch;
using static TorchSharp.torch;

namespace Refinery.Modeling.Tests;

public sealed class ModelFolderTokenizerTests : IDisposable
{
    private readonly TempFolders _folders = new();

    public void Dispose() => _folders.Dispose();

    /// <summary>The small configuration sized for a tokenizer, with no begin or end token chosen yet.</summary>
    private static LlamaConfig ConfigFor(DatasetTokenizer tokenizer) =>
        SmallConfig() with { VocabSize = tokenizer.VocabularySize, BosTokenId = null, EosTokenId = null };

    [Fact]
    public void SaveWithTokenizer_ThenLoad_GivesIdenticalLogitsAndTheTokenizersIdentity()
    {
        Init();
        var tokenizer = DatasetTokenizer.Create(TokenizerKind.Bytes);
        using var saved = new LlamaModel(ConfigFor(tokenizer), seed: 1);
        using var tokens = tensor(tokenizer.Encode("Refinery reads ünïcode."), dtype: ScalarType.Int64).unsqueeze(0);
        using var expected = saved.forward(tokens);
        var folder = _folders.New();

        ModelFolder.Save(saved, folder, tokenizer);
        using var loaded = ModelFolder.Load(folder);
        using var actual = loaded.forward(tokens);

        Assert.True(actual.eq(expected).all().item<bool>());
        Assert.Equal(tokenizer.Identity, ModelFolder.ReadTokenizer(folder));
        Assert.Equal((256, 256), (loaded.Config.BosTokenId, loaded.Config.EosTokenId));
    }

    [Fact]
    public void SaveWithTokenizer_WritesHfTokenizerFilesAndEndOfTextAsBosAndEos()
    {
        using var model = new LlamaModel(ConfigFor(DatasetTokenizer.Create(TokenizerKind.Bytes)), seed: 1);
        var folder = _folders.New();

        ModelFolder.Save(model, folder, DatasetTokenizer.Create(TokenizerKind.Bytes));

        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, ModelFolder.ConfigFile)))!;
        Assert.Equal((256, 256), ((int)config["bos_token_id"]!, (int)config["eos_token_id"]!));
        var generation = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, ModelFolder.GenerationConfigFile)))!;
        Assert.Equal((256, 256), ((int)generation["bos_token_id"]!, (int)generation["eos_token_id"]!));
        var tokenizerJson = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, ModelFolder.TokenizerFile)))!;
        Assert.Equal("BPE", (string?)tokenizerJson["model"]!["type"]);
        var tokenizerConfig = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, ModelFolder.TokenizerConfigFile)))!;
        Assert.Equal(64, (int)tokenizerConfig["model_max_length"]!);
        Assert.Equal("<|endoftext|>", (string?)tokenizerConfig["eos_token"]);
    }

    [Fact]
    public void ReadTokenizer_OfAGpt2Model_RefusesADatasetCutWithBytes_NamingBoth()
    {
        var gpt2 = DatasetTokenizer.Create(TokenizerKind.Gpt2);
        using var model = new LlamaModel(ConfigFor(gpt2), seed: 1);
        var folder = _folders.New();
        ModelFolder.Save(model, folder, gpt2);
        const string manifest = """{ "name": "news", "tokenizer": { "name": "bytes", "vocabulary_size": 257, "end_of_text": 256 } }""";

        var modelTokenizer = ModelFolder.ReadTokenizer(folder)!;
        var e = Assert.Throws<TokenizerMismatchException>(() =>
            TokenizerMismatchException.ThrowIfDifferent(modelTokenizer, TokenizerIdentity.FromManifest(manifest), "news@abc123"));

        Assert.Equal(new TokenizerIdentity("gpt2", 50_257, 50_256), modelTokenizer);
        Assert.Contains("gpt2 (50257 ids", e.Message);
        Assert.Contains("news@abc123 was cut with bytes (257 ids", e.Message);
    }

    [Fact]
    public void ReadTokenizer_OfAFolderSavedWithout_IsNull()
    {
        using var model = new LlamaModel(SmallConfig(), seed: 1);
        var folder = _folders.New();

        ModelFolder.Save(model, folder);

        Assert.Null(ModelFolder.ReadTokenizer(folder));
        Assert.False(File.Exists(Path.Combine(folder, ModelFolder.TokenizerFile)));
    }

    [Fact]
    public void ReadTokenizer_NotJson_IsRefusedNamingTheFile()
    {
        var folder = _folders.New();
        File.WriteAllText(Path.Combine(folder, ModelFolder.TokenizerFile), "{ not json");

        var error = Assert.Throws<ModelFolderException>(() => ModelFolder.ReadTokenizer(folder));

        Assert.Equal(ModelFolder.TokenizerFile, error.File);
    }

    [Fact]
    public void SaveWithTokenizer_AVocabularyTooSmall_IsRefused()
    {
        using var model = new LlamaModel(SmallConfig() with { BosTokenId = null, EosTokenId = null }, seed: 1);

        var e = Assert.Throws<ArgumentException>(() => ModelFolder.Save(model, _folders.New(), DatasetTokenizer.Create(TokenizerKind.Bytes)));

        Assert.Contains("vocab_size 50", e.Message);
    }

    [Fact]
    public void SaveWithTokenizer_AnotherEndToken_IsRefused()
    {
        var bytes = DatasetTokenizer.Create(TokenizerKind.Bytes);
        using var model = new LlamaModel(ConfigFor(bytes) with { EosTokenId = 2 }, seed: 1);

        var e = Assert.Throws<ArgumentException>(() => ModelFolder.Save(model, _folders.New(), bytes));

        Assert.Contains("end-of-text 256", e.Message);
    }
}
