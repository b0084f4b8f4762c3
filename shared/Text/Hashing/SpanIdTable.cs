using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Refinery.Text.Hashing;

/// <summary>Gives each distinct piece of one text a dense id in order of first occurrence. Keys are (start, length)
/// ranges into the text passed to every call, so nothing is copied; equal hashes are confirmed by comparing the
/// characters, so ids are exact. Valid for one text at a time: <see cref="Reset"/> between texts.</summary>
public sealed class SpanIdTable
{
    private int[] _starts = new int[1024];
    private int[] _lengths = new int[1024];
    private int[] _ids = new int[1024]; // id + 1; 0 marks an empty slot
    private ulong[] _hashes = new ulong[1024];
    private int _mask = 1023;

    public int Count { get; private set; }

    /// <summary>Empties the table for a new text of about <paramref name="expected"/> pieces. A smaller table uses a
    /// prefix of the arrays, so only that prefix is cleared and nothing is reallocated.</summary>
    public void Reset(int expected)
    {
        var size = (int)Math.Max(1024, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, expected) * 2));
        if (size > _ids.Length) Resize(size);
        else Array.Clear(_ids, 0, size);
        _mask = size - 1;
        Count = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int GetOrAdd(ReadOnlySpan<char> text, int start, int length, out bool added)
    {
        var piece = text.Slice(start, length);
        var hash = Hash(piece);
        var slot = (int)(hash >> 40) & _mask;
        while (true)
        {
            var id = _ids[slot];
            if (id == 0)
            {
                if (Count * 2 > _mask)
                {
                    Grow();
                    return GetOrAdd(text, start, length, out added);
                }
                _starts[slot] = start;
                _lengths[slot] = length;
                _hashes[slot] = hash;
                _ids[slot] = ++Count;
                added = true;
                return Count - 1;
            }
            // Up to four units the hash is a bijection of the piece (see Hash), so equal hashes and lengths are equal
            // pieces: short words, the most frequent ones, skip the comparison call.
            if (_hashes[slot] == hash && _lengths[slot] == length
                && (length <= ExactHashLength || text.Slice(_starts[slot], length).SequenceEqual(piece)))
            {
                added = false;
                return id - 1;
            }
            slot = (slot + 1) & _mask;
        }
    }

    /// <summary>Pieces this short hash without collisions among pieces of the same length.</summary>
    private const int ExactHashLength = 4;

    /// <summary>Four UTF-16 units per multiply (a word is a handful of them), then a final multiply so the high bits,
    /// which pick the slot, depend on every unit. Equal pieces hash equally; collisions only cost a comparison.
    /// Every step is invertible (xor with a value the other operand does not depend on, multiplication by an odd
    /// constant, h ^ (h &gt;&gt; 32)), and a piece of at most four units enters as a single 64-bit value, so for a given
    /// length such pieces never collide.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Hash(ReadOnlySpan<char> piece)
    {
        const ulong K = 0x9E3779B97F4A7C15UL;
        ref var first = ref Unsafe.As<char, byte>(ref MemoryMarshal.GetReference(piece));
        var h = (ulong)piece.Length * K;
        var i = 0;
        for (; i + 4 <= piece.Length; i += 4)
            h = (BitOperations.RotateLeft(h, 25) ^ Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref first, 2 * i))) * K;
        ulong tail = 0;
        for (; i < piece.Length; i++) tail = (tail << 16) | piece[i];
        h = (BitOperations.RotateLeft(h, 25) ^ tail) * K;
        return h ^ (h >> 32);
    }

    private void Grow()
    {
        var used = _mask + 1;
        var (starts, lengths, ids, hashes) = (_starts, _lengths, _ids, _hashes);
        Resize(Math.Max(ids.Length, used * 2));
        _mask = used * 2 - 1;
        for (var i = 0; i < used; i++)
        {
            if (ids[i] == 0) continue;
            var slot = (int)(hashes[i] >> 40) & _mask;
            while (_ids[slot] != 0) slot = (slot + 1) & _mask;
            (_starts[slot], _lengths[slot], _ids[slot], _hashes[slot]) = (starts[i], lengths[i], ids[i], hashes[i]);
        }
    }

    private void Resize(int size)
    {
        _starts = new int[size];
        _lengths = new int[size];
        _ids = new int[size];
        _hashes = new ulong[size];
        _mask = size - 1;
    }
}
