using Refinery.Text.Tokenizers;
using Refinery.Training.Data;

namespace Refinery.Training.Run;

/// <summary>How many UTF-8 bytes each token id stands for (0 for end-of-text), so a loss in nats per token becomes bits
/// per byte, the unit that compares models with different tokenizers.</summary>
public static class TokenByteLengths
{
    /// <exception cref="TrainingRefusedException">The data was cut with a tokenizer this build does not know.</exception>
    public static int[] For(DataTokenizer tokenizer)
    {
        DatasetTokenizer known;
        try
        {
            known = DatasetTokenizer.Create(tokenizer.Identity);
        }
        catch (ArgumentException e)
        {
            throw new TrainingRefusedException("data", $"tokenizer {tokenizer} is not one this build reads: {e.Message}", e);
        }
        return Enumerable.Range(0, known.VocabularySize).Select(known.TokenByteLength).ToArray();
    }
}
