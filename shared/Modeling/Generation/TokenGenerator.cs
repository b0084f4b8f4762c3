using Refinery.Modeling.Llama;
using static TorchSharp.torch;

namespace Refinery.Modeling.Generation;

/// <summary>Continues a prompt of token ids with a <see cref="LlamaModel"/>, one token at a time over a key/value
/// cache: the prompt is run once, then each step feeds only the token just chosen.</summary>
public sealed class TokenGenerator(LlamaModel model)
{
    /// <exception cref="ArgumentException">The options are invalid (naming each), or the prompt is empty, longer
    /// than the context, or holds an id outside the vocabulary.</exception>
    public GenerationResult Generate(IReadOnlyList<int> prompt, GenerationOptions options)
    {
        var config = model.Config;
        var errors = options.Validate();
        if (errors.Count > 0)
            throw new ArgumentException("Invalid generation options: " + string.Join("; ", errors), nameof(options));
        if (prompt.Count == 0)
            throw new ArgumentException("The prompt must hold at least one token.", nameof(prompt));
        if (prompt.Count > config.MaxPositionEmbeddings)
            throw new ArgumentException(
                $"The prompt has {prompt.Count} tokens; the model's context is {config.MaxPositionEmbeddings}.", nameof(prompt));
        foreach (var id in prompt)
            if (id < 0 || id >= config.VocabSize)
                throw new ArgumentException($"Token id {id} is outside the vocabulary of {config.VocabSize}.", nameof(prompt));

        using var inference = inference_mode();
        var sampler = new TokenSampler(options.Temperature, options.TopP, options.Seed);
        var device = model.parameters().First().device;
        using var cache = new KeyValueCache(config, batch: 1, config.MaxPositionEmbeddings, device);
        var output = new List<int>();
        IReadOnlyList<int> next = prompt;
        while (true)
        {
            if (output.Count == options.MaxNewTokens)
                return new GenerationResult(output, StopReason.MaxNewTokens);
            // The next token would sit at position prompt + output, which must be inside the context.
            if (prompt.Count + output.Count == config.MaxPositionEmbeddings)
                return new GenerationResult(output, StopReason.ContextLength);

            var token = sampler.Next(NextLogits(cache, next, device));
            if (token == config.EosTokenId)
                return new GenerationResult(output, StopReason.EndOfSequence);
            output.Add(token);
            if (options.StopSequences.FirstOrDefault(stop => EndsWith(output, stop)) is { } matched)
            {
                output.RemoveRange(output.Count - matched.Count, matched.Count);
                return new GenerationResult(output, StopReason.StopSequence);
            }
            next = [token];
        }
    }

    /// <summary>Runs <paramref name="tokens"/> after the cached positions and returns the last one's logits [vocab].</summary>
    private float[] NextLogits(KeyValueCache cache, IReadOnlyList<int> tokens, Device device)
    {
        using var scope = NewDisposeScope();
        var input = tensor(tokens.Select(t => (long)t).ToArray(), device: device).view(1, tokens.Count);  // [1, T]
        var logits = model.Logits(input, cache);                                                      // [1, T, vocab]
        return logits[0, tokens.Count - 1].cpu().data<float>().ToArray();
    }

    private static bool EndsWith(List<int> output, IReadOnlyList<int> suffix)
    {
        if (suffix.Count > output.Count) return false;
        for (var i = 1; i <= suffix.Count; i++)
            if (output[output.Count - i] != suffix[suffix.Count - i]) return false;
        return true;
    }
}
