using System.Globalization;
using System.Text.Json;

namespace Refinery.Text.Tokenizers;

/// <summary>Which tokenizer made a sequence of ids: what a dataset version's manifest records under "tokenizer" and
/// what a model folder's tokenizer.json says. Two datasets or a model and a dataset can share ids only if these are
/// equal.</summary>
/// <param name="Name">The tokenizer's option name ("gpt2", "bytes"), or <see cref="Unknown"/> for a tokenizer.json
/// that is not one of Refinery's.</param>
public sealed record TokenizerIdentity(string Name, int VocabularySize, int EndOfText)
{
    public const string Unknown = "unknown";

    /// <summary>"gpt2 (50257 ids, end-of-text 50256)".</summary>
    public string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"{Name} ({VocabularySize} ids, end-of-text {EndOfText})");

    public override string ToString() => Describe();

    /// <summary>The identity in a dataset version's manifest.json (its "tokenizer" object: name, vocabulary_size,
    /// end_of_text).</summary>
    /// <exception cref="InvalidDataException">No tokenizer object, or a field missing or of the wrong type.</exception>
    public static TokenizerIdentity FromManifest(string manifestJson)
    {
        try
        {
            using var document = JsonDocument.Parse(manifestJson);
            return FromManifest(document.RootElement);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"manifest is not JSON: {e.Message}", e);
        }
    }

    /// <inheritdoc cref="FromManifest(string)"/>
    public static TokenizerIdentity FromManifest(JsonElement manifest)
    {
        if (manifest.ValueKind != JsonValueKind.Object || !manifest.TryGetProperty("tokenizer", out var tokenizer)
            || tokenizer.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException("manifest has no \"tokenizer\" object");
        return new TokenizerIdentity(
            Field(tokenizer, "name", JsonValueKind.String).GetString()!,
            Field(tokenizer, "vocabulary_size", JsonValueKind.Number).GetInt32(),
            Field(tokenizer, "end_of_text", JsonValueKind.Number).GetInt32());
    }

    private static JsonElement Field(JsonElement tokenizer, string name, JsonValueKind kind) =>
        tokenizer.TryGetProperty(name, out var value) && value.ValueKind == kind ? value
            : throw new InvalidDataException($"manifest's tokenizer has no {kind.ToString().ToLowerInvariant()} \"{name}\"");
}
