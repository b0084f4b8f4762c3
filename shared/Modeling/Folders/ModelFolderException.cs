namespace Refinery.Modeling.Folders;

/// <summary>A model folder that cannot be loaded; the message names the file and, where one is at fault, the tensor.</summary>
public sealed class ModelFolderException(string file, string message, Exception? inner = null)
    : IOException($"{file}: {message}", inner)
{
    /// <summary>The file at fault (config.json, model.safetensors, …), relative to the folder.</summary>
    public string File { get; } = file;
}
