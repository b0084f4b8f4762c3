using System.Text.Json;
using Refinery.Modeling.Llama;

namespace Refinery.Modeling.Tests;

public sealed class LlamaConfigTests
{
    [Fact]
    public void Validate_SmallConfig_HasNoErrors() => Assert.Empty(TestTorch.SmallConfig().Validate());

    [Fact]
    public void FromJson_HfWrittenConfig_ReadsItsFieldsAndIgnoresTheRest()
    {
        // The shape of a config.json written by transformers' save_pretrained, extra fields included.
        const string Json = """
            {
              "architectures": ["LlamaForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
              "bos_token_id": 1, "eos_token_id": 2, "hidden_act": "silu", "hidden_size": 64,
              "initializer_range": 0.02, "intermediate_size": 172, "max_position_embeddings": 128,
              "mlp_bias": false, "model_type": "llama", "num_attention_heads": 4, "num_hidden_layers": 2,
              "num_key_value_heads": 2, "pretraining_tp": 1, "rms_norm_eps": 1e-06, "rope_scaling": null,
              "rope_theta": 500000.0, "tie_word_embeddings": true, "torch_dtype": "float32",
              "transformers_version": "4.46.0", "use_cache": true, "vocab_size": 258
            }
            """;

        var config = LlamaConfig.FromJson(Json);

        Assert.Empty(config.Validate());
        Assert.Equal((64, 172, 2, 4, 2, 16), (config.HiddenSize, config.IntermediateSize, config.NumHiddenLayers,
            config.NumAttentionHeads, config.KeyValueHeads, config.HeadDimension));
        Assert.Equal((128, 258, 1e-6, 500000.0, true), (config.MaxPositionEmbeddings, config.VocabSize,
            config.RmsNormEps, config.RopeTheta, config.TieWordEmbeddings));
    }

    [Fact]
    public void FromJson_WithoutKeyValueHeads_UsesOneKeyValueHeadPerQueryHead()
    {
        var json = JsonSerializer.Serialize(new { hidden_size = 32, num_attention_heads = 4 });

        Assert.Equal(4, LlamaConfig.FromJson(json).KeyValueHeads);
    }

    [Fact]
    public void ToJson_ThenFromJson_GivesTheSameConfig()
    {
        var config = TestTorch.SmallConfig(tied: true) with { RopeTheta = 500000, RmsNormEps = 1e-6 };

        Assert.Equal(config.ToJson(), LlamaConfig.FromJson(config.ToJson()).ToJson());
    }

    public static TheoryData<string, string> InvalidFields => new()
    {
        { """{ "num_key_value_heads": 3 }""", "num_key_value_heads" },
        { """{ "hidden_size": 30 }""", "hidden_size" },
        { """{ "torch_dtype": "bfloat16" }""", "torch_dtype" },
        { """{ "architectures": ["MistralForCausalLM"] }""", "architectures" },
        { """{ "rope_scaling": { "type": "linear", "factor": 2.0 } }""", "rope_scaling" },
        { """{ "eos_token_id": 50 }""", "eos_token_id" },
        { """{ "attention_bias": true }""", "attention_bias" },
        { """{ "hidden_act": "gelu" }""", "hidden_act" },
        { """{ "vocab_size": 0 }""", "vocab_size" },
    };

    [Theory]
    [MemberData(nameof(InvalidFields))]
    public void Validate_InvalidField_IsNamed(string change, string field)
    {
        var json = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(TestTorch.SmallConfig().ToJson())!;
        foreach (var (name, value) in JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(change)!)
            json[name] = value;

        var errors = LlamaConfig.FromJson(JsonSerializer.Serialize(json)).Validate();

        Assert.Contains(errors, e => e.StartsWith(field + ":", StringComparison.Ordinal));
    }
}
