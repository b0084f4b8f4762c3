using Refinery.Modeling.Deltas;
using Refinery.Modeling.Llama;
using static TorchSharp.torch;

namespace Refinery.Modeling.Scoring;

/// <summary>Mean-pooled hidden states per layer, for probes and representation comparisons between models: for each
/// request, the embedding output and every decoder layer's output averaged over the request's tokens. Batched as
/// <see cref="LogLikelihoodScorer"/> is (longest first, right padding with token 0, which causality keeps out of
/// every real token's state); padding positions are left out of the mean.</summary>
public sealed class HiddenStatePooler
{
    private const int PadToken = 0;
    private readonly LlamaModel _model;
    private readonly ScoringOptions _options;

    public HiddenStatePooler(LlamaModel model, ScoringOptions? options = null)
    {
        _options = options ?? new ScoringOptions();
        _options.EnsureValid();
        _model = model;
    }

    /// <summary>[requests][layers + 1][hidden], in request order: entry 0 is the embedding output, entry i the output
    /// of decoder layer i - 1. With <paramref name="finalNorm"/> the last entry is after the final norm, as in HF's
    /// hidden_states.</summary>
    /// <exception cref="ArgumentException">A request is empty, longer than the context, or holds an id outside the
    /// vocabulary.</exception>
    public float[][][] MeanPooled(IReadOnlyList<HiddenStateRequest> requests, bool finalNorm = false)
    {
        var config = _model.Config;
        foreach (var request in requests)
        {
            if (request.Tokens.Count == 0 || request.Tokens.Count > config.MaxPositionEmbeddings)
                throw new ArgumentException(
                    $"A request needs 1 to {config.MaxPositionEmbeddings} tokens; one has {request.Tokens.Count}.", nameof(requests));
            if (request.Tokens.Any(id => id < 0 || id >= config.VocabSize))
                throw new ArgumentException($"A token id is outside the vocabulary of {config.VocabSize}.", nameof(requests));
        }

        var results = new float[requests.Count][][];
        using var inference = inference_mode();
        foreach (var batch in Batching.Plan(requests.Select(r => r.Tokens.Count).ToArray(), _options))
        {
            var pooled = PoolBatch(batch.Select(i => requests[i]).ToArray(), finalNorm);
            for (var k = 0; k < batch.Length; k++) results[batch[k]] = pooled[k];
        }
        return results;
    }

    private float[][][] PoolBatch(HiddenStateRequest[] requests, bool finalNorm)
    {
        using var scope = NewDisposeScope();
        var device = _model.parameters().First().device;
        var (rows, width) = (requests.Length, requests.Max(r => r.Tokens.Count));
        var ids = new long[rows * width];
        var mask = new float[rows * width];  // 1 at a request's own tokens, 0 at padding
        Array.Fill(ids, PadToken);
        for (var r = 0; r < rows; r++)
            for (var t = 0; t < requests[r].Tokens.Count; t++)
                (ids[r * width + t], mask[r * width + t]) = (requests[r].Tokens[t], 1f);

        var hook = RowDeltaHook.For(requests.Select(r => r.Delta).ToArray());
        var states = _model.HiddenStates(tensor(ids, device: device).view(rows, width), finalNorm, hook);  // [L+1, B, T, H]
        var weights = tensor(mask, device: device).view(1, rows, width, 1);                                // [1, B, T, 1]
        var counts = weights.sum([2L]);                                                                    // [1, B, 1]
        var means = ((states * weights).sum([2L]) / counts).permute(1, 0, 2).contiguous();                 // [B, L+1, H]

        var (layers, hidden) = ((int)means.shape[1], (int)means.shape[2]);
        var values = means.cpu().data<float>().ToArray();
        return Enumerable.Range(0, rows).Select(r =>
            Enumerable.Range(0, layers).Select(l => values.AsSpan((r * layers + l) * hidden, hidden).ToArray()).ToArray()
        ).ToArray();
    }
}
