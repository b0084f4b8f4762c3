using Refinery.Training.Data;

namespace Refinery.Training.Run;

/// <summary>How many UTF-8 bytes each token id stands for (0 for end-of-text), so a loss in nats per token becomes bits
/// per byte, the unit that compares models with different tokenizers.</summary>
public static class TokenByteLengths
{
    public static int[] For(DataTokenizer tokenizer)
    {
        if (tokenizer.Name == "bytes")
        {
            var lengths = new int[tokenizer.VocabularySize];
            Array.Fill(lengths, 1, 0, Math.Min(256, lengths.Length));
            lengths[tokenizer.EndOfText] = 0;
            return lengths;
        }
        throw new TrainingRefusedException("data", $"tokenizer {tokenizer} is not one this build reads");
    }
}
