namespace Refinery.Modeling.Scoring;

/// <summary>What a model says about a request's scored tokens, as lm-eval's loglikelihood returns it: the natural-log
/// probability of each scored token given everything before it, their <see cref="Sum"/>, and whether each scored
/// token was the model's argmax (lm-eval's is_greedy: greedy decoding would have produced the continuation).</summary>
public sealed record LogLikelihood(IReadOnlyList<float> TokenLogProbs, double Sum, bool IsGreedy);
