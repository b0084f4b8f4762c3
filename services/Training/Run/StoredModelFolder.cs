using Refinery.Modeling.Folders;
using Refinery.Storage;
using Refinery.Text.Tokenizers;

namespace Refinery.Training.Run;

/// <summary>A model folder in the object store (a key prefix ending in '/') copied to a local folder, so that
/// <see cref="ModelFolder.Load"/> can read it: config.json and model.safetensors, and tokenizer.json when the folder has
/// one (a bare Hugging Face folder may not).</summary>
public static class StoredModelFolder
{
    /// <summary>Copies the folder and returns the sha256 of its weights as they were read.</summary>
    /// <exception cref="TrainingRefusedException">config.json or model.safetensors is missing (step "model").</exception>
    public static async Task<string> DownloadAsync(IObjectStore store, string prefix, string folder, CancellationToken ct)
    {
        Directory.CreateDirectory(folder);
        if (await store.StatAsync(prefix + HuggingFaceTokenizerFiles.TokenizerFile, ct) is not null)
            await CopyAsync(store, prefix, HuggingFaceTokenizerFiles.TokenizerFile, folder, ct);
        await CopyAsync(store, prefix, ModelFolder.ConfigFile, folder, ct);
        return await CopyAsync(store, prefix, ModelFolder.WeightsFile, folder, ct);
    }

    private static async Task<string> CopyAsync(IObjectStore store, string prefix, string name, string folder, CancellationToken ct)
    {
        try
        {
            await using var source = new VerifyingStream(await store.OpenReadAsync(prefix + name, ct));
            await using (var target = File.Create(Path.Combine(folder, name)))
                await source.CopyToAsync(target, ct);
            return await source.FinishAsync(ct);
        }
        catch (ObjectNotFoundException)
        {
            throw new TrainingRefusedException("model", $"no model at {prefix}: {prefix}{name} does not exist");
        }
    }
}
