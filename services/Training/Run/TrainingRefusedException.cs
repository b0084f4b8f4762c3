namespace Refinery.Training;

/// <summary>A training job that can never succeed as asked (its data does not exist, its tokenizer does not match the
/// model, its model folder is damaged): it fails for good at <see cref="Step"/> instead of being retried.</summary>
public sealed class TrainingRefusedException(string step, string reason, Exception? inner = null) : Exception(reason, inner)
{
    public string Step { get; } = step;
}
