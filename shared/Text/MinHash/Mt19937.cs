namespace Refinery.Text.MinHash;

/// <summary>The Mersenne Twister MT19937 as numpy's legacy RandomState seeds and draws it (init_genrand, then
/// 64-bit draws as high word then low word). Needed only to regenerate RPv2's MinHash permutations from seed 42.</summary>
internal sealed class Mt19937
{
    private const int N = 624, M = 397;
    private readonly uint[] _state = new uint[N];
    private int _index;

    public Mt19937(uint seed)
    {
        _state[0] = seed;
        for (var i = 1; i < N; i++)
            _state[i] = unchecked(1812433253u * (_state[i - 1] ^ (_state[i - 1] >> 30)) + (uint)i);
        _index = N;
    }

    public uint Next32()
    {
        if (_index >= N) Twist();
        var y = _state[_index++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9D2C5680u;
        y ^= (y << 15) & 0xEFC60000u;
        y ^= y >> 18;
        return y;
    }

    public ulong Next64() => ((ulong)Next32() << 32) | Next32();

    /// <summary>numpy's random_sample(): 53 random bits from two draws.</summary>
    public double NextDouble() => ((Next32() >> 5) * 67108864.0 + (Next32() >> 6)) / 9007199254740992.0;

    /// <summary>numpy's legacy randint(low, high, dtype=uint64) for a range wider than 32 bits: masked rejection sampling.</summary>
    public ulong NextInRange(ulong low, ulong highExclusive)
    {
        var range = highExclusive - 1 - low;
        var mask = range;
        mask |= mask >> 1; mask |= mask >> 2; mask |= mask >> 4; mask |= mask >> 8; mask |= mask >> 16; mask |= mask >> 32;
        ulong value;
        do value = Next64() & mask; while (value > range);
        return low + value;
    }

    private void Twist()
    {
        for (var i = 0; i < N; i++)
        {
            var y = (_state[i] & 0x80000000u) | (_state[(i + 1) % N] & 0x7FFFFFFFu);
            _state[i] = _state[(i + M) % N] ^ (y >> 1) ^ ((y & 1) != 0 ? 0x9908B0DFu : 0u);
        }
        _index = 0;
    }
}
