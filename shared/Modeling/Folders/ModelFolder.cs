using System.Text.Json;
using Refinery.Modeling.Llama;
using Refinery.Text.Tokenizers;
using static TorchSharp.torch;

namespace Refinery.Modeling.Folders;

/// <summary>A model in Hugging Face's folder layout, which `transformers` loads as it is: model.safetensors (HF tensor
/// names and shapes, float32), config.json (LlamaConfig) and generation_config.json; with a tokenizer, also
/// tokenizer.json and tokenizer_config.json.</summary>
public static class ModelFolder
{
    public const string WeightsFile = "model.safetensors";
    public const string ConfigFile = "config.json";
    public const string GenerationConfigFile = "generation_config.json";
    public const string TokenizerFile = HuggingFaceTokenizerFiles.TokenizerFile;
    public const string TokenizerConfigFile = HuggingFaceTokenizerFiles.ConfigFile;

    // Enough to find what is wrong with a folder without a wall of text for a folder of another architecture.
    private const int MaxReportedProblems = 8;

    /// <summary>Writes the three files into <paramref name="directory"/> (created if missing), each atomically; with a
    /// <paramref name="tokenizer"/>, also its tokenizer.json and tokenizer_config.json, and config.json's begin and
    /// end token ids are its end-of-text (Refinery's documents are separated by end-of-text alone).</summary>
    /// <exception cref="ArgumentException">The model's vocabulary is smaller than the tokenizer's, or its configuration
    /// names other begin or end tokens.</exception>
    public static void Save(LlamaModel model, string directory, DatasetTokenizer? tokenizer = null)
    {
        var config = tokenizer is null ? model.Config : WithTokenizer(model.Config, tokenizer);
        Directory.CreateDirectory(directory);
        SafetensorsFile.Write(Path.Combine(directory, WeightsFile), model.state_dict());
        WriteText(Path.Combine(directory, ConfigFile), config.ToJson());
        WriteText(Path.Combine(directory, GenerationConfigFile), GenerationConfig.For(config).ToJson());
        if (tokenizer is not null) HuggingFaceTokenizerFiles.Write(tokenizer, directory, config.MaxPositionEmbeddings);
    }

    /// <summary>Which tokenizer the folder's tokenizer.json is (see <see cref="HuggingFaceTokenizerFiles.ReadIdentity"/>),
    /// or null for a folder without one.</summary>
    /// <exception cref="ModelFolderException">tokenizer.json is not a tokenizer file.</exception>
    public static TokenizerIdentity? ReadTokenizer(string directory)
    {
        var path = Path.Combine(directory, TokenizerFile);
        if (!File.Exists(path)) return null;
        try
        {
            return HuggingFaceTokenizerFiles.ReadIdentity(File.ReadAllBytes(path));
        }
        catch (InvalidDataException e)
        {
            throw new ModelFolderException(TokenizerFile, e.Message, e);
        }
    }

    private static LlamaConfig WithTokenizer(LlamaConfig config, DatasetTokenizer tokenizer)
    {
        var endOfText = tokenizer.EndOfText;
        // A larger vocabulary is allowed: embeddings are often padded to a round size past the tokenizer's ids.
        if (config.VocabSize < tokenizer.VocabularySize)
            throw new ArgumentException($"vocab_size {config.VocabSize} is smaller than tokenizer {tokenizer.Identity.Describe()}", nameof(tokenizer));
        if ((config.BosTokenId is { } bos && bos != endOfText) || (config.EosTokenId is { } eos && eos != endOfText))
            throw new ArgumentException(
                $"bos_token_id {config.BosTokenId} and eos_token_id {config.EosTokenId} must be tokenizer {tokenizer.Name}'s end-of-text {endOfText}", nameof(tokenizer));
        return config with { BosTokenId = endOfText, EosTokenId = endOfText };
    }

    /// <summary>The configuration of a folder, validated.</summary>
    /// <exception cref="ModelFolderException">config.json is missing, not JSON, or invalid (naming the fields).</exception>
    public static LlamaConfig ReadConfig(string directory)
    {
        var path = Path.Combine(directory, ConfigFile);
        if (!File.Exists(path)) throw new ModelFolderException(ConfigFile, $"missing from {directory}");
        LlamaConfig config;
        try
        {
            config = LlamaConfig.FromJson(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new ModelFolderException(ConfigFile, $"not a Llama config: {e.Message}", e);
        }
        var errors = config.Validate();
        if (errors.Count > 0) throw new ModelFolderException(ConfigFile, string.Join("; ", errors));
        return config;
    }

    /// <summary>Builds the model config.json describes and fills it from model.safetensors, which must hold exactly
    /// the tensors of that model under HF's names, with their shapes, in float32. A tied model's file may also hold
    /// lm_head.weight (some writers keep the shared tensor twice) when it equals the embedding exactly.</summary>
    /// <exception cref="ModelFolderException">Naming the file and the tensors at fault.</exception>
    public static LlamaModel Load(string directory)
    {
        var config = ReadConfig(directory);
        var path = Path.Combine(directory, WeightsFile);
        if (!File.Exists(path)) throw new ModelFolderException(WeightsFile, $"missing from {directory}");

        Dictionary<string, Tensor> stored;
        try
        {
            stored = SafetensorsFile.Read(path);
        }
        catch (InvalidDataException e)
        {
            throw new ModelFolderException(WeightsFile, e.Message, e);
        }

        var model = new LlamaModel(config);
        try
        {
            var expected = model.state_dict();
            DropTiedHeadCopy(config, stored);
            var problems = Compare(expected, stored);
            if (problems.Count > 0)
                throw new ModelFolderException(WeightsFile, string.Join("; ", problems.Take(MaxReportedProblems))
                    + (problems.Count > MaxReportedProblems ? $"; and {problems.Count - MaxReportedProblems} more" : ""));
            using (no_grad())
                foreach (var (name, target) in expected)
                    target.copy_(stored[name]);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
        finally
        {
            foreach (var tensor in stored.Values) tensor.Dispose();
        }
    }

    /// <summary>Removes a tied model's stored lm_head.weight when it is the embedding's exact copy; one that differs
    /// stays, to be refused as unexpected, since loading it would silently drop a trained head.</summary>
    private static void DropTiedHeadCopy(LlamaConfig config, Dictionary<string, Tensor> stored)
    {
        const string head = "lm_head.weight", embedding = "model.embed_tokens.weight";
        if (!config.TieWordEmbeddings || !stored.TryGetValue(head, out var copy) || !stored.TryGetValue(embedding, out var tied)) return;
        if (copy.dtype != tied.dtype || !copy.shape.SequenceEqual(tied.shape)) return;
        using (var same = copy.eq(tied).all())
            if (!same.item<bool>()) return;
        copy.Dispose();
        stored.Remove(head);
    }

    private static List<string> Compare(Dictionary<string, Tensor> expected, Dictionary<string, Tensor> stored)
    {
        var problems = new List<string>();
        foreach (var name in stored.Keys.Where(n => !expected.ContainsKey(n)))
            problems.Add($"unexpected tensor '{name}'");
        foreach (var (name, target) in expected)
        {
            if (!stored.TryGetValue(name, out var tensor))
                problems.Add($"missing tensor '{name}'");
            else if (tensor.dtype != ScalarType.Float32)
                problems.Add($"tensor '{name}' is {tensor.dtype}, expected Float32");
            else if (!tensor.shape.SequenceEqual(target.shape))
                problems.Add($"tensor '{name}' has shape [{string.Join(", ", tensor.shape)}], expected [{string.Join(", ", target.shape)}]");
        }
        return problems;
    }

    private static void WriteText(string path, string text)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temporary, text + "\n");
        File.Move(temporary, path, overwrite: true);
    }
}
