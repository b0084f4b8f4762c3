namespace Refinery.Text.Tokenizers;

/// <summary>A model asked to read a dataset cut with another tokenizer: the ids would mean other text.</summary>
public sealed class TokenizerMismatchException(TokenizerIdentity model, TokenizerIdentity dataset, string datasetName)
    : InvalidOperationException($"the model uses tokenizer {model.Describe()}; dataset {datasetName} was cut with {dataset.Describe()}")
{
    public TokenizerIdentity Model { get; } = model;
    public TokenizerIdentity Dataset { get; } = dataset;
    public string DatasetName { get; } = datasetName;

    /// <summary>Throws unless the model's tokenizer is the one the dataset was cut with.</summary>
    /// <param name="datasetName">How the message names the dataset ("news@abc12").</param>
    public static void ThrowIfDifferent(TokenizerIdentity model, TokenizerIdentity dataset, string datasetName)
    {
        if (model != dataset) throw new TokenizerMismatchException(model, dataset, datasetName);
    }
}
