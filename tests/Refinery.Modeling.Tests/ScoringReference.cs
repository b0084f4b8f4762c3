using Refinery.Modeling.Llama;
using static TorchSharp.torch;

namespace Refinery.Modeling.Tests;

/// <summary>One request at a time with no batching, padding or cache, the log-softmax and argmax written as loops in
/// double precision: what the batched scorers are compared with.</summary>
internal static class ScoringReference
{
    /// <summary>A model whose weights spread wider than HF's 0.02, so logits are of order 1 and 1e-5 is a tight tolerance.</summary>
    public static LlamaModel Model(long seed = 3) => new(TestTorch.SmallConfig() with { InitializerRange = 0.2 }, seed);

    /// <summary>The log-probability of each token from <paramref name="scoredFrom"/> on given the tokens before it,
    /// and whether each was the argmax of its prediction.</summary>
    public static (double[] LogProbs, bool IsGreedy) Score(LlamaModel model, IReadOnlyList<int> tokens, int scoredFrom)
    {
        var logits = Logits(model, [.. tokens.Take(tokens.Count - 1)]);
        var logProbs = new List<double>();
        var isGreedy = true;
        for (var k = scoredFrom; k < tokens.Count; k++)
        {
            var row = logits[k - 1];
            logProbs.Add(LogSoftmax(row)[tokens[k]]);
            isGreedy &= Argmax(row) == tokens[k];
        }
        return ([.. logProbs], isGreedy);
    }

    /// <summary>Logits [T][vocab] of one sequence run alone.</summary>
    public static float[][] Logits(LlamaModel model, IReadOnlyList<int> tokens)
    {
        using var noGrad = no_grad();
        using var input = tensor(tokens.Select(t => (long)t).ToArray()).view(1, tokens.Count);
        using var logits = model.forward(input);
        var values = TestTorch.Values(logits);
        var vocab = model.Config.VocabSize;
        return Enumerable.Range(0, tokens.Count).Select(t => values[(t * vocab)..((t + 1) * vocab)]).ToArray();
    }

    public static double[] LogSoftmax(float[] row)
    {
        var max = row.Max();
        var logSum = Math.Log(row.Sum(v => Math.Exp(v - max))) + max;
        return row.Select(v => v - logSum).ToArray();
    }

    /// <summary>The first index of the largest value, as torch.argmax breaks ties.</summary>
    public static int Argmax(float[] row)
    {
        var best = 0;
        for (var i = 1; i < row.Length; i++)
            if (row[i] > row[best]) best = i;
        return best;
    }

    /// <summary>The greedy continuation of <paramref name="context"/>, <paramref name="count"/> tokens, by loops.</summary>
    public static int[] GreedyContinuation(LlamaModel model, IReadOnlyList<int> context, int count)
    {
        var sequence = context.ToList();
        for (var i = 0; i < count; i++)
            sequence.Add(Argmax(Logits(model, sequence)[^1]));
        return sequence.Skip(context.Count).ToArray();
    }

    public static int[] RandomTokens(Random random, int length, int vocabulary) =>
        Enumerable.Range(0, length).Select(_ => random.Next(vocabulary)).ToArray();
}
