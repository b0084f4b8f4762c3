using Refinery.Modeling.Deltas;
using Refinery.Modeling.Llama;
using static TorchSharp.torch;

namespace Refinery.Modeling.Scoring;

/// <summary>Scores many requests at once, as lm-eval's HFLM._loglikelihood_tokens: per-token log-probabilities of the
/// scored tokens, their sum and is_greedy, in padded batches ordered longest first, returned in request order.
/// <para>Padding is on the right, with token 0. A row's real tokens come first, at positions 0..n-1 as when the row
/// runs alone (so its rotary angles are unchanged), and the causal mask already stops every position attending to a
/// later one: padding, always later, is never attended to by a real token, and no padding mask is needed. The
/// padding positions' own outputs are computed and dropped.</para></summary>
public sealed class LogLikelihoodScorer
{
    private const int PadToken = 0;
    private readonly LlamaModel _model;
    private readonly ScoringOptions _options;

    public LogLikelihoodScorer(LlamaModel model, ScoringOptions? options = null)
    {
        _options = options ?? new ScoringOptions();
        _options.EnsureValid();
        _model = model;
    }

    /// <summary>One result per request, in request order. A sequence longer than the context plus one is cut on the
    /// left, as lm-eval does, keeping the last context + 1 tokens.</summary>
    /// <exception cref="ArgumentException">A request scores no token, scores its first token, holds an id outside the
    /// vocabulary, or scores more tokens than the context holds.</exception>
    public IReadOnlyList<LogLikelihood> Score(IReadOnlyList<ScoringRequest> requests) =>
        Run(requests.Select(WholeRow).ToArray(), prefix: null);

    /// <summary>Runs <paramref name="tokens"/> once for <see cref="ScoreAfter"/>, with <paramref name="delta"/>'s
    /// fine-tune (null: the base model). The caller disposes the prefix.</summary>
    /// <exception cref="ArgumentException">The prefix is empty, longer than the context, or holds an id outside the
    /// vocabulary.</exception>
    public SharedPrefix Prefix(IReadOnlyList<int> tokens, ILinearDelta? delta = null)
    {
        var config = _model.Config;
        if (tokens.Count == 0 || tokens.Count > config.MaxPositionEmbeddings)
            throw new ArgumentException(
                $"A prefix needs 1 to {config.MaxPositionEmbeddings} tokens; it has {tokens.Count}.", nameof(tokens));
        EnsureInVocabulary(tokens, nameof(tokens));

        using var inference = inference_mode();
        using var scope = NewDisposeScope();
        var cache = new KeyValueCache(config, batch: 1, capacity: tokens.Count, Device);
        try
        {
            var logits = _model.Logits(Padded([[.. tokens]], tokens.Count), cache, RowDeltaHook.For([delta]));
            var last = logits.narrow(1, tokens.Count - 1, 1);  // [1, 1, vocab]
            return new SharedPrefix(_model, [.. tokens], delta, cache, scope.MoveToOuter(last));
        }
        catch
        {
            cache.Dispose();
            throw;
        }
    }

    /// <summary>Scores each continuation as the sequence prefix + continuation, with ScoredFrom counted within the
    /// continuation (0: its first token, predicted by the prefix's last position). Equal to <see cref="Score"/> on
    /// the joined sequences; the prefix runs once instead of once per request.</summary>
    /// <exception cref="ArgumentException">The prefix belongs to another model; a continuation's delta is not the
    /// prefix's, scores no token, holds an id outside the vocabulary, or does not fit the context after the prefix.</exception>
    public IReadOnlyList<LogLikelihood> ScoreAfter(SharedPrefix prefix, IReadOnlyList<ScoringRequest> continuations)
    {
        if (!ReferenceEquals(prefix.Model, _model))
            throw new ArgumentException("The prefix was run by another model.", nameof(prefix));
        return Run(continuations.Select(request => ContinuationRow(request, prefix)).ToArray(), prefix);
    }

    /// <summary>A row of a batch: the tokens it feeds the model, the tokens those predict (target k is predicted by
    /// the k-th prediction), and the first scored target.</summary>
    private sealed record Row(int[] Inputs, int[] Targets, int ScoredFrom, ILinearDelta? Delta);

    private Device Device => _model.parameters().First().device;

    private Row WholeRow(ScoringRequest request)
    {
        var (tokens, context) = (request.Tokens, _model.Config.MaxPositionEmbeddings);
        if (request.ScoredFrom < 1 || request.ScoredFrom >= tokens.Count)
            throw new ArgumentException(
                $"ScoredFrom must be within 1..{tokens.Count - 1} (the first token has no prediction); it is {request.ScoredFrom}.",
                nameof(request));
        EnsureInVocabulary(tokens, nameof(request));
        // lm-eval's (context + continuation)[-(max_length + 1):]: the model sees at most the context's positions.
        var cut = Math.Max(0, tokens.Count - 1 - context);
        if (request.ScoredFrom - cut < 1)
            throw new ArgumentException(
                $"The request scores {tokens.Count - request.ScoredFrom} tokens; the context holds {context}.", nameof(request));
        var kept = tokens.Skip(cut).ToArray();
        return new Row(kept[..^1], kept[1..], request.ScoredFrom - cut - 1, request.Delta);
    }

    private Row ContinuationRow(ScoringRequest request, SharedPrefix prefix)
    {
        var (tokens, context) = (request.Tokens, _model.Config.MaxPositionEmbeddings);
        if (request.ScoredFrom < 0 || request.ScoredFrom >= tokens.Count)
            throw new ArgumentException(
                $"ScoredFrom must be within 0..{tokens.Count - 1}; it is {request.ScoredFrom}.", nameof(request));
        if (prefix.Length + tokens.Count - 1 > context)
            throw new ArgumentException(
                $"The prefix of {prefix.Length} tokens and a continuation of {tokens.Count} exceed the context of {context}.",
                nameof(request));
        if (!ReferenceEquals(request.Delta, prefix.Delta))
            throw new ArgumentException("A continuation must run with its prefix's delta.", nameof(request));
        EnsureInVocabulary(tokens, nameof(request));
        return new Row([.. tokens.Take(tokens.Count - 1)], [.. tokens], request.ScoredFrom, request.Delta);
    }

    private LogLikelihood[] Run(Row[] rows, SharedPrefix? prefix)
    {
        var results = new LogLikelihood[rows.Length];
        var positions = rows.Select(row => (prefix?.Length ?? 0) + row.Inputs.Length).ToArray();
        using var inference = inference_mode();
        foreach (var batch in Batching.Plan(positions, _options))
        {
            var scored = ScoreBatch(batch.Select(i => rows[i]).ToArray(), prefix);
            for (var k = 0; k < batch.Length; k++) results[batch[k]] = scored[k];
        }
        return results;
    }

    private LogLikelihood[] ScoreBatch(Row[] rows, SharedPrefix? prefix)
    {
        using var scope = NewDisposeScope();
        var (batch, width) = (rows.Length, rows.Max(row => row.Inputs.Length));
        var hook = RowDeltaHook.For(rows.Select(row => row.Delta).ToArray());
        var predictions = Predictions(rows, width, hook, prefix);  // [B, K, vocab], K = targets per row (padded)
        var targetWidth = (int)predictions.shape[1];

        // log_softmax at the targets only, without a second [B, K, vocab] tensor: logit(target) − logsumexp(logits).
        var targets = Padded(rows.Select(row => row.Targets).ToArray(), targetWidth).unsqueeze(-1);  // [B, K, 1]
        var logProbs = predictions.gather(-1, targets).squeeze(-1) - predictions.logsumexp(-1);       // [B, K]
        var greedy = predictions.argmax(-1);                                                          // [B, K]
        var logProbValues = logProbs.cpu().data<float>().ToArray();
        var greedyValues = greedy.cpu().data<long>().ToArray();

        return rows.Select((row, b) =>
        {
            var scored = Enumerable.Range(row.ScoredFrom, row.Targets.Length - row.ScoredFrom).ToArray();
            var tokenLogProbs = scored.Select(k => logProbValues[b * targetWidth + k]).ToArray();
            var isGreedy = scored.All(k => greedyValues[b * targetWidth + k] == row.Targets[k]);
            return new LogLikelihood(tokenLogProbs, tokenLogProbs.Sum(v => (double)v), isGreedy);
        }).ToArray();
    }

    /// <summary>The logits predicting each target, [B, K, vocab]: the model's outputs over the inputs, preceded, after
    /// a prefix, by the prefix's last logits (which predict each continuation's first token).</summary>
    private Tensor Predictions(Row[] rows, int width, ILinearHook? hook, SharedPrefix? prefix)
    {
        var inputs = width > 0 ? Padded(rows.Select(row => row.Inputs).ToArray(), width) : null;  // [B, width]
        if (prefix is null)
            return _model.Logits(inputs!, positionOffset: 0, hook);

        var first = prefix.LastLogits.expand(rows.Length, 1, -1);  // [B, 1, vocab]
        if (inputs is null) return first;
        using var cache = new KeyValueCache(_model.Config, rows.Length, prefix.Length + width, Device);
        cache.StartWith(prefix.Cache);
        return cat([first, _model.Logits(inputs, cache, hook)], 1);
    }

    /// <summary>Token ids [rows, width], each row right-padded with <see cref="PadToken"/>.</summary>
    private Tensor Padded(int[][] rows, int width)
    {
        var ids = new long[rows.Length * width];
        Array.Fill(ids, PadToken);
        for (var r = 0; r < rows.Length; r++)
            for (var t = 0; t < rows[r].Length; t++)
                ids[r * width + t] = rows[r][t];
        return tensor(ids, device: Device).view(rows.Length, width);
    }

    private void EnsureInVocabulary(IReadOnlyList<int> tokens, string parameter)
    {
        foreach (var id in tokens)
            if (id < 0 || id >= _model.Config.VocabSize)
                throw new ArgumentException($"Token id {id} is outside the vocabulary of {_model.Config.VocabSize}.", parameter);
    }
}
