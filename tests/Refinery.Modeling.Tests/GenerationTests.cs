using Refinery.Modeling.Generation;
using Refinery.Modeling.Llama;
using static Refinery.Modeling.Tests.TestTorch;
using static TorchSharp.torch;

namespace Refinery.Modeling.Tests;

public sealed class GenerationTests
{
    private static readonly int[] Prompt = [1, 7, 19, 3, 42];
    private const long Seed = 7;

    public GenerationTests() => Init();

    [Fact]
    public void Greedy_WithCache_EqualsRecomputingTheWholeSequenceEachStep()
    {
        using var model = new LlamaModel(Config(), Seed);

        var result = new TokenGenerator(model).Generate(Prompt, new GenerationOptions { MaxNewTokens = 30 });

        Assert.Equal(GreedyByRecomputing(model, Prompt, 30), result.Tokens);
        Assert.Equal(StopReason.MaxNewTokens, result.Reason);
        Assert.True(result.Tokens.Distinct().Count() > 5, "a model stuck on a few tokens would make the comparison weak");
    }

    [Fact]
    public void TemperatureZero_IgnoresSeedAndTopP_IsGreedy()
    {
        using var model = new LlamaModel(Config(), Seed);
        var options = new GenerationOptions { MaxNewTokens = 20, Temperature = 0, TopP = 0.3, Seed = 5 };

        var result = new TokenGenerator(model).Generate(Prompt, options);

        Assert.Equal(GreedyByRecomputing(model, Prompt, 20), result.Tokens);
    }

    [Fact]
    public void Sampling_SameSeed_SameTokens_OtherSeed_OtherTokens()
    {
        using var model = new LlamaModel(Config(), Seed);
        var generator = new TokenGenerator(model);
        var options = new GenerationOptions { MaxNewTokens = 30, Temperature = 1.0, Seed = 11 };

        var first = generator.Generate(Prompt, options).Tokens;
        var again = generator.Generate(Prompt, options).Tokens;
        var other = generator.Generate(Prompt, options with { Seed = 12 }).Tokens;

        Assert.Equal(30, first.Count);
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.NotEqual(GreedyByRecomputing(model, Prompt, 30), first);  // it did sample
    }

    [Fact]
    public void TopP_VerySmall_IsGreedy()
    {
        using var model = new LlamaModel(Config(), Seed);
        var options = new GenerationOptions { MaxNewTokens = 20, Temperature = 1.0, TopP = 1e-6, Seed = 3 };

        var result = new TokenGenerator(model).Generate(Prompt, options);

        Assert.Equal(GreedyByRecomputing(model, Prompt, 20), result.Tokens);
    }

    [Fact]
    public void StopSequence_EndsGenerationBeforeIt()
    {
        using var model = new LlamaModel(Config(), Seed);
        var greedy = GreedyByRecomputing(model, Prompt, 20);
        int[] stop = [greedy[6], greedy[7]];
        var at = Enumerable.Range(0, 7).First(i => greedy[i] == stop[0] && greedy[i + 1] == stop[1]);
        var options = new GenerationOptions { MaxNewTokens = 20, StopSequences = [[49, 49, 49, 49, 49, 49, 49, 49], stop] };

        var result = new TokenGenerator(model).Generate(Prompt, options);

        Assert.Equal(greedy.Take(at), result.Tokens);
        Assert.Equal(StopReason.StopSequence, result.Reason);
    }

    [Fact]
    public void EndOfSequence_EndsGenerationBeforeIt()
    {
        using var plain = new LlamaModel(Config(), Seed);
        var greedy = GreedyByRecomputing(plain, Prompt, 20);
        var eos = greedy[4];
        // The same seed and shapes give the same weights; only the configuration's eos_token_id differs.
        using var model = new LlamaModel(Config(eos: eos), Seed);

        var result = new TokenGenerator(model).Generate(Prompt, new GenerationOptions { MaxNewTokens = 20 });

        Assert.Equal(greedy.Take(greedy.IndexOf(eos)), result.Tokens);
        Assert.Equal(StopReason.EndOfSequence, result.Reason);
    }

    [Fact]
    public void ContextLength_StopsWhenPromptAndOutputFillIt()
    {
        using var model = new LlamaModel(Config(context: 16), Seed);
        var generator = new TokenGenerator(model);
        var options = new GenerationOptions { MaxNewTokens = 100 };

        var result = generator.Generate(Prompt, options);
        var full = generator.Generate(Enumerable.Repeat(5, 16).ToArray(), options);

        Assert.Equal(16 - Prompt.Length, result.Tokens.Count);
        Assert.Equal(StopReason.ContextLength, result.Reason);
        Assert.Empty(full.Tokens);
        Assert.Equal(StopReason.ContextLength, full.Reason);
        Assert.Throws<ArgumentException>(() => generator.Generate(Enumerable.Repeat(5, 17).ToArray(), options));
    }

    [Fact]
    public void Options_Invalid_ThrowNamingEach()
    {
        using var model = new LlamaModel(Config(), Seed);
        var options = new GenerationOptions { TopP = 0, Temperature = -1, StopSequences = [[]] };

        var error = Assert.Throws<ArgumentException>(() => new TokenGenerator(model).Generate(Prompt, options));

        Assert.Contains("TopP", error.Message);
        Assert.Contains("Temperature", error.Message);
        Assert.Contains("StopSequences[0]", error.Message);
    }

    /// <summary>The small test model with weights spread wider than HF's 0.02, so logits differ by far more than float
    /// rounding and no greedy choice is a near-tie between the cached and the recomputed path.</summary>
    private static LlamaConfig Config(int? eos = null, int context = 64) =>
        SmallConfig() with { InitializerRange = 0.2, EosTokenId = eos, MaxPositionEmbeddings = context };

    /// <summary>Greedy decoding without a cache: the whole sequence through the model at every step, then the first
    /// maximum of the last position's logits.</summary>
    internal static List<int> GreedyByRecomputing(LlamaModel model, IReadOnlyList<int> prompt, int count)
    {
        using var noGrad = no_grad();
        var sequence = prompt.ToList();
        for (var step = 0; step < count; step++)
        {
            using var scope = NewDisposeScope();
            var input = tensor(sequence.Select(t => (long)t).ToArray()).view(1, sequence.Count);  // [1, T]
            var last = model.forward(input)[0, sequence.Count - 1];                               // [vocab]
            sequence.Add((int)last.argmax().item<long>());
        }
        return sequence.Skip(prompt.Count).ToList();
    }
}
