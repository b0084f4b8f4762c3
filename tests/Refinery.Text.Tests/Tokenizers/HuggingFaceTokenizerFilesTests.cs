using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;
using Refinery.Contracts.Curation;
using Refinery.Text.Tokenizers;

namespace Refinery.Text.Tests.Tokenizers;

public sealed class HuggingFaceTokenizerFilesTests : IDisposable
{
    // GPT-2's pre-tokenizer pattern as Hugging Face's ByteLevel pre-tokenizer (use_regex) and GPT2Tokenizer write it.
    private const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private readonly string _folder = Directory.CreateTempSubdirectory("refinery-tokenizer-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private JsonNode Written(TokenizerKind kind, string file = HuggingFaceTokenizerFiles.TokenizerFile)
    {
        HuggingFaceTokenizerFiles.Write(DatasetTokenizer.Create(kind), _folder, modelMaxLength: 256);
        return JsonNode.Parse(File.ReadAllText(Path.Combine(_folder, file)))!;
    }

    /// <summary>Microsoft.ML.Tokenizers' own BPE built only from what tokenizer.json says: vocab, merges, the added
    /// end-of-text token, byte-level input and GPT-2's split.</summary>
    private static BpeTokenizer LoadBack(JsonNode json)
    {
        var special = json["added_tokens"]!.AsArray().ToDictionary(t => (string)t!["content"]!, t => (int)t!["id"]!);
        return BpeTokenizer.Create(new BpeOptions(json["model"]!["vocab"]!.AsObject().Select(p => KeyValuePair.Create(p.Key, (int)p.Value!)))
        {
            Merges = json["model"]!["merges"]!.AsArray().Select(m => (string)m!),
            ByteLevel = (string?)json["pre_tokenizer"]!["type"] == "ByteLevel",
            PreTokenizer = new RegexPreTokenizer(new Regex(Gpt2Pattern, RegexOptions.Compiled), special),
            SpecialTokens = special,
        });
    }

    [Theory]
    [InlineData(TokenizerKind.Gpt2)]
    [InlineData(TokenizerKind.Bytes)]
    public void TokenizerJson_LoadedBackAsBpe_EncodesRealDocumentsToTheSameIds(TokenizerKind kind)
    {
        var tokenizer = DatasetTokenizer.Create(kind);
        var bpe = LoadBack(Written(kind));

        foreach (var text in RealDocuments.All)
            Sequences.AssertSame(tokenizer.Encode(text), bpe.EncodeToIds(text), text);
    }

    [Theory]
    [InlineData(TokenizerKind.Gpt2)]
    [InlineData(TokenizerKind.Bytes)]
    public void TokenizerJson_ReadByHuggingFacesTokenizersLibrary_EncodesAndDecodesRealDocumentsAlike(TokenizerKind kind)
    {
        var tokenizer = DatasetTokenizer.Create(kind);
        Written(kind);
        using var huggingFace = new global::Tokenizers.DotNet.Tokenizer(Path.Combine(_folder, HuggingFaceTokenizerFiles.TokenizerFile));

        foreach (var text in RealDocuments.All)
        {
            var ids = tokenizer.Encode(text);
            Sequences.AssertSame(ids, huggingFace.Encode(text).Select(id => (int)id).ToArray(), text);
            Assert.Equal(text, huggingFace.Decode([.. ids.Select(id => (uint)id)]));
        }
    }

    [Fact]
    public void TokenizerJson_Gpt2_HasGpt2sFirstMergesAndVocab()
    {
        var json = Written(TokenizerKind.Gpt2);

        var merges = json["model"]!["merges"]!.AsArray().Select(m => (string)m!).ToList();
        Assert.Equal(50_000, merges.Count);
        Assert.Equal(["Ġ t", "Ġ a", "h e", "i n", "r e", "o n", "Ġt he"], merges.Take(7));
        var vocab = json["model"]!["vocab"]!.AsObject();
        Assert.Equal(50_257, vocab.Count);
        Assert.Equal(262, (int)vocab["Ġthe"]!);
        Assert.Equal(0, (int)vocab["!"]!);
        Assert.Equal(50_256, (int)vocab["<|endoftext|>"]!);
    }

    [Fact]
    public void TokenizerJson_Bytes_HasTheByteAlphabetAndNoMerges()
    {
        var json = Written(TokenizerKind.Bytes);

        var vocab = json["model"]!["vocab"]!.AsObject();
        Assert.Equal(257, vocab.Count);
        Assert.Equal(32, (int)vocab["Ġ"]!);
        Assert.Equal(10, (int)vocab["Ċ"]!);
        Assert.Equal((int)'a', (int)vocab["a"]!);
        Assert.Empty(json["model"]!["merges"]!.AsArray());
    }

    [Theory]
    [InlineData(TokenizerKind.Gpt2)]
    [InlineData(TokenizerKind.Bytes)]
    public void TokenizerJson_HasHfsTopLevelShape(TokenizerKind kind)
    {
        var json = Written(kind);

        Assert.Equal("1.0", (string?)json["version"]);
        Assert.Null(json["normalizer"]);
        Assert.Equal("ByteLevel", (string?)json["pre_tokenizer"]!["type"]);
        Assert.False((bool)json["pre_tokenizer"]!["add_prefix_space"]!);
        Assert.Equal("ByteLevel", (string?)json["decoder"]!["type"]);
        Assert.Equal("BPE", (string?)json["model"]!["type"]);
        var added = Assert.Single(json["added_tokens"]!.AsArray())!;
        Assert.Equal(("<|endoftext|>", DatasetTokenizer.Create(kind).EndOfText, true),
            ((string?)added["content"], (int)added["id"]!, (bool)added["special"]!));
    }

    [Fact]
    public void TokenizerConfig_NamesEndOfTextAndTheContext()
    {
        var config = Written(TokenizerKind.Bytes, HuggingFaceTokenizerFiles.ConfigFile);

        Assert.Equal("PreTrainedTokenizerFast", (string?)config["tokenizer_class"]);
        Assert.Equal(["<|endoftext|>", "<|endoftext|>", "<|endoftext|>"],
            new[] { "bos_token", "eos_token", "unk_token" }.Select(k => (string?)config[k]));
        Assert.Equal(256, (int)config["model_max_length"]!);
    }

    [Theory]
    [InlineData(TokenizerKind.Gpt2)]
    [InlineData(TokenizerKind.Bytes)]
    public void ReadIdentity_OfAWrittenFile_IsTheTokenizers(TokenizerKind kind)
    {
        Written(kind);

        var identity = HuggingFaceTokenizerFiles.ReadIdentity(File.ReadAllBytes(Path.Combine(_folder, HuggingFaceTokenizerFiles.TokenizerFile)));

        Assert.Equal(DatasetTokenizer.Create(kind).Identity, identity);
    }

    [Fact]
    public void ReadIdentity_MergesAsPairs_IsStillGpt2()
    {
        var json = Written(TokenizerKind.Gpt2);
        var merges = json["model"]!["merges"]!.AsArray();
        json["model"]!["merges"] = new JsonArray([.. merges.Select(m => (JsonNode)new JsonArray([.. ((string)m!).Split(' ').Select(p => (JsonNode)p!)]))]);

        Assert.Equal("gpt2", HuggingFaceTokenizerFiles.ReadIdentity(JsonSerializer.SerializeToUtf8Bytes(json)).Name);
    }

    [Fact]
    public void ReadIdentity_TwoMergesSwapped_IsUnknownWithItsSizes()
    {
        var json = Written(TokenizerKind.Gpt2);
        var merges = json["model"]!["merges"]!.AsArray();
        var (first, second) = ((string)merges[0]!, (string)merges[1]!);
        merges[0] = second;
        merges[1] = first;

        Assert.Equal(new TokenizerIdentity(TokenizerIdentity.Unknown, 50_257, 50_256),
            HuggingFaceTokenizerFiles.ReadIdentity(JsonSerializer.SerializeToUtf8Bytes(json)));
    }

    [Fact]
    public void ReadIdentity_AWordPieceTokenizer_IsUnknownWithItsSize()
    {
        var json = """
            { "version": "1.0", "added_tokens": [ { "id": 0, "content": "[PAD]", "special": true } ], "normalizer": null,
              "pre_tokenizer": { "type": "BertPreTokenizer" },
              "model": { "type": "WordPiece", "unk_token": "[UNK]", "vocab": { "[PAD]": 0, "[UNK]": 1, "the": 2 } } }
            """u8;

        Assert.Equal(new TokenizerIdentity(TokenizerIdentity.Unknown, 3, -1), HuggingFaceTokenizerFiles.ReadIdentity(json));
    }

    [Theory]
    [InlineData("""{ "model": { "type": "BPE" } }""")]
    [InlineData("""{ "model": { "vocab": { "a": "zero" } } }""")]
    [InlineData("""{ "model": { "vocab": { "a": 0 } }, "added_tokens": [ { "content": "<|endoftext|>" } ] }""")]
    [InlineData("[1, 2")]
    public void ReadIdentity_NotATokenizerFile_IsInvalidData(string json) =>
        Assert.Throws<InvalidDataException>(() => HuggingFaceTokenizerFiles.ReadIdentity(System.Text.Encoding.UTF8.GetBytes(json)));
}
