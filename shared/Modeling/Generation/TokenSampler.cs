namespace Refinery.Modeling.Generation;

/// <summary>Picks the next token from one position's logits: the first maximum at temperature 0, else a draw from
/// softmax(logits / temperature) restricted to the top-p nucleus. The draw is made here in double precision from a
/// seeded <see cref="Random"/> rather than by torch.multinomial, so the same seed and logits give the same token
/// whatever libtorch's version, thread count or device.</summary>
internal sealed class TokenSampler(double temperature, double topP, int seed)
{
    private readonly Random _random = new(seed);

    public int Next(ReadOnlySpan<float> logits)
    {
        if (temperature == 0) return ArgMax(logits);

        // Tokens from most to least probable; OrderBy is stable, so equal logits keep id order.
        var values = logits.ToArray();
        var order = Enumerable.Range(0, values.Length).OrderByDescending(i => values[i]).ToArray();
        var max = values[order[0]];
        var weights = order.Select(i => Math.Exp((values[i] - max) / temperature)).ToArray();  // unnormalised
        var total = weights.Sum();

        // The nucleus as HF's TopPLogitsWarper: a token stays while the mass of the tokens before it is below top_p,
        // so the most probable token always stays.
        var (kept, mass) = (0, 0.0);
        while (kept < weights.Length && (kept == 0 || mass < topP * total))
            mass += weights[kept++];

        var draw = _random.NextDouble() * mass;
        for (var i = 0; i < kept; i++)
        {
            draw -= weights[i];
            if (draw < 0) return order[i];
        }
        return order[kept - 1];  // rounding left a sliver of the draw
    }

    internal static int ArgMax(ReadOnlySpan<float> logits)
    {
        var best = 0;
        for (var i = 1; i < logits.Length; i++)
            if (logits[i] > logits[best]) best = i;
        return best;
    }
}
