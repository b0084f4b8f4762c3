using System.Text.Json.Serialization;
using Refinery.Contracts.Options;

namespace Refinery.Contracts.Training;

/// <summary>A named model size (<see cref="ModelPresets.All"/>): "tiny", "small" or "reference".</summary>
[JsonConverter(typeof(OptionValueJsonConverter))]
public enum ModelPreset { Tiny, Small, Reference }

/// <summary>Named model sizes, so a request (and an ablation grid) says "tiny" rather than nine numbers. The figures are
/// Llama-shaped: MLP width about 8/3 of the hidden width, rounded to a multiple of 8.</summary>
public static class ModelPresets
{
    public sealed record Preset(int Layers, int Hidden, int Heads, int KeyValueHeads, int Intermediate, int Context, bool TieEmbeddings);

    public static readonly IReadOnlyDictionary<ModelPreset, Preset> All = new Dictionary<ModelPreset, Preset>
    {
        // Trains in seconds on two cores: the demo's and the tests' model.
        [ModelPreset.Tiny] = new(Layers: 2, Hidden: 64, Heads: 4, KeyValueHeads: 2, Intermediate: 176, Context: 128, TieEmbeddings: true),
        [ModelPreset.Small] = new(Layers: 4, Hidden: 128, Heads: 4, KeyValueHeads: 4, Intermediate: 344, Context: 256, TieEmbeddings: true),
        // `refinery bench train`'s configuration (issue 14): 6 layers, width 256, 8 heads, MLP 688, context 256.
        [ModelPreset.Reference] = new(Layers: 6, Hidden: 256, Heads: 8, KeyValueHeads: 8, Intermediate: 688, Context: 256, TieEmbeddings: false),
    };

    /// <summary>The preset with the spec's explicit fields over it.</summary>
    public static Preset Resolve(ModelSpec spec)
    {
        var p = All[spec.Preset];
        return new Preset(spec.Layers ?? p.Layers, spec.Hidden ?? p.Hidden, spec.Heads ?? p.Heads,
            spec.KeyValueHeads ?? (spec.Heads ?? p.KeyValueHeads), spec.Intermediate ?? p.Intermediate, spec.Context ?? p.Context,
            spec.TieEmbeddings ?? p.TieEmbeddings);
    }
}
