using System.Runtime.CompilerServices;

namespace Refinery.Text.Hashing;

/// <summary>Gives each distinct 64-bit key a dense id (0, 1, 2, … in order of first insertion): open addressing with
/// linear probing over a power-of-two table. Keys are exact, so ids never collide.</summary>
/// <remarks>A slot holds a stamp, base + id + 1, and is empty when its stamp is at most the current base. Clearing
/// raises the base past every stamp written, so a table used once per n-gram level of every document is emptied
/// without touching its slots.</remarks>
public sealed class LongIdTable
{
    /// <summary>Past this base, the next clear empties the slots for real and starts again from 0.</summary>
    private const int MaxBase = int.MaxValue / 2;
    private long[] _keys = new long[1024];
    private int[] _stamps = new int[1024];
    private int _base;
    private int _mask = 1023;

    public int Count { get; private set; }

    /// <summary>Empties the table and sizes it for about <paramref name="expected"/> keys at most half full. A smaller
    /// table uses a prefix of the arrays, and nothing is reallocated.</summary>
    public void Clear(int expected)
    {
        var size = (int)Math.Max(1024, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, expected) * 2));
        if (size > _keys.Length)
        {
            _keys = new long[size];
            _stamps = new int[size];
            _base = 0;
        }
        else if (_base + Count > MaxBase)
        {
            Array.Clear(_stamps);
            _base = 0;
        }
        else
        {
            _base += Count;
        }
        _mask = size - 1;
        Count = 0;
    }

    /// <summary>The id of <paramref name="key"/>, adding it with the next id when new.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int GetOrAdd(long key, out bool added)
    {
        var slot = Slot(key, _mask);
        while (true)
        {
            var stamp = _stamps[slot];
            if (stamp <= _base)
            {
                if (Count * 2 > _mask)
                {
                    Grow();
                    return GetOrAdd(key, out added);
                }
                _keys[slot] = key;
                _stamps[slot] = _base + ++Count;
                added = true;
                return Count - 1;
            }
            if (_keys[slot] == key)
            {
                added = false;
                return stamp - _base - 1;
            }
            slot = (slot + 1) & _mask;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Slot(long key, int mask) => (int)((ulong)(key * -7046029254386353131L) >> 40) & mask;

    private void Grow()
    {
        var used = _mask + 1;
        var keys = _keys;
        var stamps = _stamps;
        _keys = new long[Math.Max(keys.Length, used * 2)];
        _stamps = new int[_keys.Length];
        _mask = used * 2 - 1;
        for (var i = 0; i < used; i++)
        {
            if (stamps[i] <= _base) continue;
            var slot = Slot(keys[i], _mask);
            while (_stamps[slot] > _base) slot = (slot + 1) & _mask;
            _keys[slot] = keys[i];
            _stamps[slot] = stamps[i];
        }
    }
}
