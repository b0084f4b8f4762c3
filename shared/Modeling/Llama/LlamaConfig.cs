using System.Text.Json;
using System.Text.Json.Serialization;

namespace Refinery.Modeling.Llama;

/// <summary>A Llama model's shape, as Hugging Face's <c>LlamaConfig</c> writes it to config.json, so `transformers`
/// reads Refinery's folders and Refinery reads theirs. Unknown fields in a read file are ignored; fields Refinery
/// does not implement (biases, rope scaling, dropout) must keep HF's defaults, and <see cref="Validate"/> says so.</summary>
public sealed record LlamaConfig
{
    public const string Architecture = "LlamaForCausalLM";
    public const string Float32 = "float32";

    [JsonPropertyName("architectures")] public IReadOnlyList<string> Architectures { get; init; } = [Architecture];
    [JsonPropertyName("model_type")] public string ModelType { get; init; } = "llama";
    [JsonPropertyName("vocab_size")] public int VocabSize { get; init; }
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; }
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; init; }
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; init; }
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; init; }

    /// <summary>Key/value heads for grouped-query attention; HF reads a missing value as num_attention_heads.</summary>
    [JsonPropertyName("num_key_value_heads")] public int? NumKeyValueHeads { get; init; }

    /// <summary>Width of one head; HF reads a missing value as hidden_size / num_attention_heads.</summary>
    [JsonPropertyName("head_dim")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? HeadDim { get; init; }

    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; init; }
    [JsonPropertyName("rms_norm_eps")] public double RmsNormEps { get; init; } = 1e-5;
    [JsonPropertyName("rope_theta")] public double RopeTheta { get; init; } = 10000.0;
    [JsonPropertyName("tie_word_embeddings")] public bool TieWordEmbeddings { get; init; }
    [JsonPropertyName("bos_token_id")] public int? BosTokenId { get; init; }
    [JsonPropertyName("eos_token_id")] public int? EosTokenId { get; init; }
    [JsonPropertyName("torch_dtype")] public string TorchDtype { get; init; } = Float32;
    [JsonPropertyName("initializer_range")] public double InitializerRange { get; init; } = 0.02;

    // HF fields with the only values this implementation supports, written so the folder is explicit.
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; init; } = "silu";
    [JsonPropertyName("attention_bias")] public bool AttentionBias { get; init; }
    [JsonPropertyName("mlp_bias")] public bool MlpBias { get; init; }
    [JsonPropertyName("attention_dropout")] public double AttentionDropout { get; init; }
    [JsonPropertyName("pretraining_tp")] public int PretrainingTp { get; init; } = 1;
    [JsonPropertyName("rope_scaling")] public JsonElement? RopeScaling { get; init; }
    [JsonPropertyName("use_cache")] public bool UseCache { get; init; } = true;

    [JsonIgnore] public int KeyValueHeads => NumKeyValueHeads ?? NumAttentionHeads;
    [JsonIgnore] public int HeadDimension => HeadDim ?? (NumAttentionHeads > 0 ? HiddenSize / NumAttentionHeads : 0);

    private static readonly JsonSerializerOptions WriteOptions = new() { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, WriteOptions);

    /// <exception cref="JsonException">The text is not JSON or a field has the wrong type.</exception>
    public static LlamaConfig FromJson(string json) =>
        JsonSerializer.Deserialize<LlamaConfig>(json) ?? throw new JsonException("config is null");

    /// <summary>Every problem, each naming its config.json field; empty when the configuration can be built.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Require(bool ok, string field, string why)
        {
            if (!ok) errors.Add($"{field}: {why}");
        }

        Require(Architectures is [Architecture], "architectures", $"must be [\"{Architecture}\"]");
        Require(ModelType == "llama", "model_type", "must be \"llama\"");
        Require(TorchDtype == Float32, "torch_dtype", $"must be \"{Float32}\" (the only precision implemented)");
        Require(VocabSize > 0, "vocab_size", "must be positive");
        Require(HiddenSize > 0, "hidden_size", "must be positive");
        Require(IntermediateSize > 0, "intermediate_size", "must be positive");
        Require(NumHiddenLayers > 0, "num_hidden_layers", "must be positive");
        Require(NumAttentionHeads > 0, "num_attention_heads", "must be positive");
        Require(KeyValueHeads > 0, "num_key_value_heads", "must be positive");
        if (NumAttentionHeads > 0 && KeyValueHeads > 0)
            Require(NumAttentionHeads % KeyValueHeads == 0, "num_key_value_heads", "must divide num_attention_heads");
        if (HeadDim is null && NumAttentionHeads > 0)
            Require(HiddenSize % NumAttentionHeads == 0, "hidden_size", "must be a multiple of num_attention_heads");
        Require(HeadDimension > 0 && HeadDimension % 2 == 0, "head_dim", "must be positive and even (rotary pairs)");
        Require(MaxPositionEmbeddings > 0, "max_position_embeddings", "must be positive");
        Require(RmsNormEps > 0 && double.IsFinite(RmsNormEps), "rms_norm_eps", "must be positive");
        Require(RopeTheta > 0 && double.IsFinite(RopeTheta), "rope_theta", "must be positive");
        Require(InitializerRange > 0 && double.IsFinite(InitializerRange), "initializer_range", "must be positive");
        Require(BosTokenId is null || (BosTokenId >= 0 && BosTokenId < VocabSize), "bos_token_id", "must be a token id below vocab_size");
        Require(EosTokenId is null || (EosTokenId >= 0 && EosTokenId < VocabSize), "eos_token_id", "must be a token id below vocab_size");
        Require(HiddenAct == "silu", "hidden_act", "must be \"silu\" (SwiGLU)");
        Require(!AttentionBias, "attention_bias", "must be false");
        Require(!MlpBias, "mlp_bias", "must be false");
        Require(AttentionDropout == 0, "attention_dropout", "must be 0");
        Require(PretrainingTp == 1, "pretraining_tp", "must be 1");
        Require(RopeScaling is null || RopeScaling.Value.ValueKind == JsonValueKind.Null, "rope_scaling", "must be null (plain rotary)");
        return errors;
    }

    /// <exception cref="ArgumentException">Naming every invalid field.</exception>
    public void EnsureValid()
    {
        var errors = Validate();
        if (errors.Count > 0)
            throw new ArgumentException("Invalid Llama configuration: " + string.Join("; ", errors));
    }
}
