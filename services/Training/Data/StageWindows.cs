namespace Refinery.Training.Data;

/// <summary>The windows a stage trains on: its token stream cut into windows of context + 1 ids that overlap by one
/// (window w starts at w × context, so every id but the first is a target exactly once per epoch), read in a seeded
/// order that changes each epoch (<see cref="WindowOrder"/>). Draw i is a pure function of the seed and i, which is
/// what a checkpoint records as the data position.</summary>
public sealed class StageWindows(TokenStream stream, int context, long seed, int stage)
{
    private WindowOrder? _order;
    private long _orderEpoch = -1;

    /// <summary>Windows in one epoch.</summary>
    public long Count { get; } = Math.Max(0, (stream.Length - 1) / context);

    public int Context => context;

    /// <summary>The stream position draw <paramref name="draw"/> starts at (draws count on across epochs).</summary>
    public long StartOf(long draw)
    {
        if (Count == 0) throw new InvalidOperationException($"the stage's data has {stream.Length} tokens, fewer than one window of {context + 1}");
        var epoch = draw / Count;
        if (epoch != _orderEpoch) (_order, _orderEpoch) = (new WindowOrder(Count, seed, stage, epoch), epoch);
        return _order![draw % Count] * context;
    }

    /// <summary>Fills <paramref name="into"/> (context + 1 ids) with draw <paramref name="draw"/>.</summary>
    public void Read(long draw, Span<long> into) => stream.Read(StartOf(draw), into[..(context + 1)]);
}
