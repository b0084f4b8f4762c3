namespace Refinery.Contracts.Training;

/// <summary>Object keys of the training service's area (DESIGN §6), defined once for the producer and every reader:
/// everything under <c>training/{job}/</c>.</summary>
public static class TrainingKeys
{
    public const string AllPrefix = "training/";

    public static string Root(string job) => $"training/{job}/";

    /// <summary>The finished model, a Hugging Face LlamaForCausalLM folder (model.safetensors, config.json,
    /// generation_config.json, tokenizer.json).</summary>
    public static string Model(string job) => $"training/{job}/model/";

    public static string CheckpointsPrefix(string job) => $"training/{job}/checkpoints/";

    /// <summary>A checkpoint's folder; its <see cref="CheckpointManifest"/> is written last, so a folder without one is
    /// incomplete and ignored.</summary>
    public static string Checkpoint(string job, int step) => $"training/{job}/checkpoints/{step:D8}/";

    public const string CheckpointManifest = "manifest.json";

    /// <summary>The job and step of a file in a checkpoint's folder (<see cref="Checkpoint"/>); null for any other key.</summary>
    public static (string Job, int Step)? CheckpointFileOf(string key) =>
        key.StartsWith(AllPrefix, StringComparison.Ordinal) && key[AllPrefix.Length..].Split('/') is [var job, "checkpoints", var folder, { Length: > 0 }]
        && folder.Length == 8 && folder.All(char.IsAsciiDigit)
            ? (job, int.Parse(folder, System.Globalization.CultureInfo.InvariantCulture))
            : null;

    /// <summary>One JSON line per reported step and validation.</summary>
    public static string Log(string job) => $"training/{job}/log.jsonl";

    /// <summary>Dataset manifests with their sha256, configuration, seed, code version, start and end.</summary>
    public static string Lineage(string job) => $"training/{job}/lineage.json";
}
