using System.Text.Json;
using Refinery.Modeling.Llama;
using static TorchSharp.torch;

namespace Refinery.Modeling.Folders;

/// <summary>A model in Hugging Face's folder layout, which `transformers` loads as it is: model.safetensors (HF tensor
/// names and shapes, float32), config.json (LlamaConfig) and generation_config.json.</summary>
public static class ModelFolder
{
    public const string WeightsFile = "model.safetensors";
    public const string ConfigFile = "config.json";
    public const string GenerationConfigFile = "generation_config.json";

    // Enough to find what is wrong with a folder without a wall of text for a folder of another architecture.
    private const int MaxReportedProblems = 8;

    /// <summary>Writes the three files into <paramref name="directory"/> (created if missing), each atomically.</summary>
    public static void Save(LlamaModel model, string directory)
    {
        Directory.CreateDirectory(directory);
        SafetensorsFile.Write(Path.Combine(directory, WeightsFile), model.state_dict());
        WriteText(Path.Combine(directory, ConfigFile), model.Config.ToJson());
        WriteText(Path.Combine(directory, GenerationConfigFile), GenerationConfig.For(model.Config).ToJson());
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
    /// the tensors of that model under HF's names, with their shapes, in float32.</summary>
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
