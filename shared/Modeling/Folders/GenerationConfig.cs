using System.Text.Json;
using System.Text.Json.Serialization;
using Refinery.Modeling.Llama;

namespace Refinery.Modeling.Folders;

/// <summary>HF's generation_config.json: the special tokens generation stops and starts at, greedy by default.</summary>
public sealed record GenerationConfig
{
    [JsonPropertyName("bos_token_id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? BosTokenId { get; init; }

    [JsonPropertyName("eos_token_id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? EosTokenId { get; init; }

    [JsonPropertyName("do_sample")] public bool DoSample { get; init; }

    public static GenerationConfig For(LlamaConfig config) =>
        new() { BosTokenId = config.BosTokenId, EosTokenId = config.EosTokenId, DoSample = false };

    private static readonly JsonSerializerOptions WriteOptions = new() { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, WriteOptions);
}
