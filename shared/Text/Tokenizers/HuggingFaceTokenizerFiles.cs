using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using System.Text.Json;
using Refinery.Contracts.Curation;
using Refinery.Contracts.Options;

namespace Refinery.Text.Tokenizers;

/// <summary>A tokenizer as Hugging Face's files: tokenizer.json in the `tokenizers` library's format (a byte-level
/// BPE: ByteLevel pre-tokenizer and decoder, vocab and merges in GPT-2's byte-level alphabet, end-of-text as an added
/// special token) and tokenizer_config.json for `transformers`' AutoTokenizer. Refinery's ids are the BPE's ids, so a
/// model saved with these files reads text as Refinery cut it.</summary>
public static class HuggingFaceTokenizerFiles
{
    public const string TokenizerFile = "tokenizer.json";
    public const string ConfigFile = "tokenizer_config.json";

    // Relaxed escaping writes the alphabet's characters ("Ġt") as they are rather than as \u0120 escapes.
    private static readonly JsonWriterOptions Writing = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly ConcurrentDictionary<TokenizerKind, Lazy<Bpe>> Definitions = new();

    /// <summary>Writes both files into <paramref name="directory"/>, each atomically.</summary>
    /// <param name="modelMaxLength">The longest input the model takes (its context), for tokenizer_config.json.</param>
    public static void Write(DatasetTokenizer tokenizer, string directory, int modelMaxLength)
    {
        Directory.CreateDirectory(directory);
        WriteAtomically(Path.Combine(directory, TokenizerFile), TokenizerJson(tokenizer));
        WriteAtomically(Path.Combine(directory, ConfigFile), TokenizerConfigJson(modelMaxLength));
    }

    public static byte[] TokenizerJson(DatasetTokenizer tokenizer)
    {
        var bpe = Definition(tokenizer);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Writing))
        {
            json.WriteStartObject();
            json.WriteString("version", "1.0");
            json.WriteNull("truncation");
            json.WriteNull("padding");
            json.WriteStartArray("added_tokens");
            json.WriteStartObject();
            json.WriteNumber("id", tokenizer.EndOfText);
            json.WriteString("content", DatasetTokenizer.EndOfTextToken);
            json.WriteBoolean("single_word", false);
            json.WriteBoolean("lstrip", false);
            json.WriteBoolean("rstrip", false);
            json.WriteBoolean("normalized", false);
            json.WriteBoolean("special", true);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteNull("normalizer");
            // GPT-2's split: its regex on the raw text, no space added in front, each piece's bytes in the alphabet.
            WriteByteLevel(json, "pre_tokenizer", addPrefixSpace: false);
            json.WriteNull("post_processor");
            WriteByteLevel(json, "decoder", addPrefixSpace: true);
            json.WriteStartObject("model");
            json.WriteString("type", "BPE");
            json.WriteNull("dropout");
            json.WriteNull("unk_token");
            json.WriteNull("continuing_subword_prefix");
            json.WriteNull("end_of_word_suffix");
            json.WriteBoolean("fuse_unk", false);
            json.WriteStartObject("vocab");
            for (var id = 0; id < bpe.Vocab.Count; id++) json.WriteNumber(bpe.Vocab[id], id);
            json.WriteEndObject();
            json.WriteStartArray("merges");
            foreach (var (left, right) in bpe.Merges) json.WriteStringValue($"{left} {right}");
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>tokenizer_config.json: the fast tokenizer over tokenizer.json, end-of-text as begin, end and unknown
    /// token (as GPT-2's), and decoding that leaves spaces as they are.</summary>
    public static byte[] TokenizerConfigJson(int modelMaxLength)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Writing))
        {
            json.WriteStartObject();
            json.WriteString("tokenizer_class", "PreTrainedTokenizerFast");
            json.WriteString("bos_token", DatasetTokenizer.EndOfTextToken);
            json.WriteString("eos_token", DatasetTokenizer.EndOfTextToken);
            json.WriteString("unk_token", DatasetTokenizer.EndOfTextToken);
            json.WriteNumber("model_max_length", modelMaxLength);
            json.WriteBoolean("clean_up_tokenization_spaces", false);
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>Which tokenizer a tokenizer.json is: its size and end-of-text id (the id of the added token
    /// <c>&lt;|endoftext|&gt;</c>, or -1 without one), named after the Refinery tokenizer whose byte-level BPE,
    /// vocab and merges it has exactly, else <see cref="TokenizerIdentity.Unknown"/>.</summary>
    /// <exception cref="InvalidDataException">Not JSON, or without a model vocab.</exception>
    public static TokenizerIdentity ReadIdentity(ReadOnlySpan<byte> tokenizerJson)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(tokenizerJson.ToArray());
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{TokenizerFile} is not JSON: {e.Message}", e);
        }
        using (document)
        {
            try
            {
                return Identify(document.RootElement);
            }
            catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or FormatException)
            {
                // A vocab id or an added token's field of the wrong kind.
                throw new InvalidDataException($"{TokenizerFile} is not a tokenizer file: {e.Message}", e);
            }
        }
    }

    private static TokenizerIdentity Identify(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("model", out var model)
            || !model.TryGetProperty("vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{TokenizerFile} has no model vocab");

        var tokens = new Dictionary<int, string>();
        foreach (var entry in vocab.EnumerateObject()) tokens[entry.Value.GetInt32()] = entry.Name;
        var endOfText = -1;
        if (root.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array)
            foreach (var token in added.EnumerateArray())
            {
                var (id, content) = (token.GetProperty("id").GetInt32(), token.GetProperty("content").GetString()!);
                tokens[id] = content;
                if (content == DatasetTokenizer.EndOfTextToken) endOfText = id;
            }
        var size = tokens.Count == 0 ? 0 : tokens.Keys.Max() + 1;

        foreach (var kind in Enum.GetValues<TokenizerKind>())
        {
            var known = DatasetTokenizer.Create(kind);
            if (known.VocabularySize == size && known.EndOfText == endOfText && IsByteLevelBpe(root)
                && SameVocab(tokens, Definition(known).Vocab) && SameMerges(model, Definition(known).Merges))
                return known.Identity;
        }
        return new TokenizerIdentity(TokenizerIdentity.Unknown, size, endOfText);
    }

    private static bool IsByteLevelBpe(JsonElement root) =>
        root.TryGetProperty("model", out var model) && Text(model, "type") == "BPE"
        && (!root.TryGetProperty("normalizer", out var normalizer) || normalizer.ValueKind == JsonValueKind.Null)
        && root.TryGetProperty("pre_tokenizer", out var pre) && Text(pre, "type") == "ByteLevel"
        && !(pre.TryGetProperty("add_prefix_space", out var prefix) && prefix.ValueKind == JsonValueKind.True)
        && !(pre.TryGetProperty("use_regex", out var regex) && regex.ValueKind == JsonValueKind.False);

    private static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value)
        && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool SameVocab(Dictionary<int, string> tokens, IReadOnlyList<string> expected) =>
        tokens.Count == expected.Count && Enumerable.Range(0, expected.Count).All(id => tokens.TryGetValue(id, out var t) && t == expected[id]);

    // The `tokenizers` library writes a merge as "a b" (before 0.20) or as ["a", "b"]; both read the same.
    private static bool SameMerges(JsonElement model, IReadOnlyList<(string Left, string Right)> expected)
    {
        if (!model.TryGetProperty("merges", out var merges) || merges.ValueKind != JsonValueKind.Array)
            return expected.Count == 0;
        if (merges.GetArrayLength() != expected.Count) return false;
        var i = 0;
        foreach (var merge in merges.EnumerateArray())
        {
            var (left, right) = expected[i++];
            var same = merge.ValueKind switch
            {
                JsonValueKind.String => merge.GetString() == $"{left} {right}",
                JsonValueKind.Array => merge.GetArrayLength() == 2 && merge[0].GetString() == left && merge[1].GetString() == right,
                _ => false,
            };
            if (!same) return false;
        }
        return true;
    }

    private static void WriteByteLevel(Utf8JsonWriter json, string name, bool addPrefixSpace)
    {
        json.WriteStartObject(name);
        json.WriteString("type", "ByteLevel");
        json.WriteBoolean("add_prefix_space", addPrefixSpace);
        json.WriteBoolean("trim_offsets", true);
        json.WriteBoolean("use_regex", true);
        json.WriteEndObject();
    }

    /// <summary>A Refinery tokenizer's BPE: each id's token in the byte-level alphabet (end-of-text as its text) and
    /// the merges derived from the ranks; built once per tokenizer (GPT-2's takes a moment).</summary>
    private static Bpe Definition(DatasetTokenizer tokenizer) =>
        Definitions.GetOrAdd(tokenizer.Kind, _ => new Lazy<Bpe>(() => Build(tokenizer))).Value;

    private static Bpe Build(DatasetTokenizer tokenizer)
    {
        // Both tokenizers put end-of-text last, after the ranked tokens; the merges need the ranks without it.
        if (tokenizer.EndOfText != tokenizer.VocabularySize - 1)
            throw new InvalidOperationException($"{OptionValues<TokenizerKind>.NameOf(tokenizer.Kind)}: end-of-text is not the last id");
        var ranked = Enumerable.Range(0, tokenizer.EndOfText).Select(id => tokenizer.BytesOf(id).ToArray()).ToArray();
        var vocab = ranked.Select(bytes => ByteLevelAlphabet.Encode(bytes)).Append(DatasetTokenizer.EndOfTextToken).ToArray();
        return new Bpe(vocab, BpeMerges.FromRanks(ranked));
    }

    private static void WriteAtomically(string path, byte[] bytes)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }

    private sealed record Bpe(IReadOnlyList<string> Vocab, IReadOnlyList<(string Left, string Right)> Merges);
}
