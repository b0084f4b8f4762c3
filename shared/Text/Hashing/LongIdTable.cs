using System.Runtime.CompilerServices;

namespace Refinery.Text.Hashing;

/// <summary>Gives each distinct 64-bit key a dense id (0, 1, 2, … in order of first insertion): open addressing with
/// linear probing over a power-of-two table, cleared cheaply between documents. Keys are exact, so ids never collide.</summary>
public sealed class LongIdTable
{
    private long[] _keys = new long[1024];
    private int[] _ids = new int[1024]; // id + 1; 0 marks an empty slot
    private int _mask = 1023;

    public int Count { get; private set; }

    /// <summary>Empties the table and sizes it for about <paramref name="expected"/> keys at most half full. A smaller
    /// table uses a prefix of the arrays, so only that prefix is cleared and nothing is reallocated.</summary>
    public void Clear(int expected)
    {
        var size = (int)Math.Max(1024, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, expected) * 2));
        if (size > _keys.Length)
        {
            _keys = new long[size];
            _ids = new int[size];
        }
        else
        {
            Array.Clear(_ids, 0, size);
        }
        _mask = size - 1;
        Count = 0;
    }

    /// <summary>The id of <paramref name="key"/>, adding it with the next id when new.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int GetOrAdd(long key, out bool added)
    {
        var slot = (int)((ulong)(key * -7046029254386353131L) >> 40) & _mask;
        while (true)
        {
            var id = _ids[slot];
            if (id == 0)
            {
                if (Count * 2 > _mask)
                {
                    Grow();
                    return GetOrAdd(key, out added);
                }
                _keys[slot] = key;
                _ids[slot] = ++Count;
                added = true;
                return Count - 1;
            }
            if (_keys[slot] == key)
            {
                added = false;
                return id - 1;
            }
            slot = (slot + 1) & _mask;
        }
    }

    private void Grow()
    {
        var used = _mask + 1;
        var keys = _keys;
        var ids = _ids;
        _keys = new long[Math.Max(keys.Length, used * 2)];
        _ids = new int[_keys.Length];
        _mask = used * 2 - 1;
        for (var i = 0; i < used; i++)
        {
            if (ids[i] == 0) continue;
            var slot = (int)((ulong)(keys[i] * -7046029254386353131L) >> 40) & _mask;
            while (_ids[slot] != 0) slot = (slot + 1) & _mask;
            _keys[slot] = keys[i];
            _ids[slot] = ids[i];
        }
    }
}
