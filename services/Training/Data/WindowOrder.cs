namespace Refinery.Training.Data;

/// <summary>A seeded permutation of [0, count): the order a stage reads its windows in, one new order per epoch. A
/// four-round Feistel network over the smallest power-of-four domain that holds <c>count</c>, walked until it lands
/// inside (cycle walking), so the i-th window of an epoch is computed from i alone: no table, memory that does not
/// grow with the dataset, and a data position that is just a number to checkpoint.</summary>
public sealed class WindowOrder
{
    private const int Rounds = 4;
    private readonly long _count;
    private readonly int _halfBits;
    private readonly ulong _halfMask;
    private readonly ulong[] _keys = new ulong[Rounds];

    public WindowOrder(long count, long seed, int stage, long epoch)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "a stage has at least one window");
        _count = count;
        var bits = 64 - ulong.LeadingZeroCount((ulong)(count - 1));
        _halfBits = Math.Max(1, (int)(bits + 1) / 2);
        _halfMask = (1UL << _halfBits) - 1;
        var state = Mix((ulong)seed ^ Mix((ulong)stage + 0x9E3779B97F4A7C15UL) ^ Mix((ulong)epoch * 0xD1B54A32D192ED03UL));
        for (var i = 0; i < Rounds; i++) _keys[i] = state = Mix(state + (ulong)i + 1);
    }

    /// <summary>The window read at <paramref name="position"/> (0 ≤ position &lt; count) of this epoch.</summary>
    public long this[long position]
    {
        get
        {
            if ((ulong)position >= (ulong)_count) throw new ArgumentOutOfRangeException(nameof(position));
            // The domain has at most 4× count values, so the walk ends after a few steps on average.
            var value = (ulong)position;
            do value = Encrypt(value);
            while (value >= (ulong)_count);
            return (long)value;
        }
    }

    private ulong Encrypt(ulong value)
    {
        var (left, right) = (value >> _halfBits, value & _halfMask);
        foreach (var key in _keys)
            (left, right) = (right, left ^ (Mix(right ^ key) & _halfMask));
        return (left << _halfBits) | right;
    }

    /// <summary>SplitMix64's finaliser: a cheap bijective mixer with good avalanche.</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
