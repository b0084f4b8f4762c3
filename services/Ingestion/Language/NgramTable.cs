using System.Numerics;
using System.Runtime.Intrinsics.X86;

namespace Refinery.Ingestion.Language;

/// <summary>An open-addressed map from an n-gram packed into a ulong (16 bits a char, up to three chars) to a row of
/// the model matrix. Immutable once built, so lookups are thread-safe. Key 0 cannot be an n-gram (n-grams are
/// letters), so it marks an empty slot.</summary>
internal sealed class NgramTable
{
    // Key and row side by side: one cache line per probe on a table too big for the cache.
    private readonly Entry[] _entries;
    private readonly int _shift;

    private struct Entry
    {
        public ulong Key;
        public int Row;
    }

    public NgramTable(IReadOnlyList<ulong> keys, int firstRow)
    {
        var capacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, keys.Count + keys.Count / 2));
        _entries = new Entry[capacity];
        _shift = 64 - BitOperations.Log2((uint)capacity);
        for (var i = 0; i < keys.Count; i++)
        {
            var slot = Slot(keys[i]);
            while (_entries[slot].Key != 0) slot = (slot + 1) & (capacity - 1);
            _entries[slot] = new Entry { Key = keys[i], Row = firstRow + i };
        }
    }

    public long Bytes => _entries.Length * 16L;

    /// <summary>The row of <paramref name="key"/>, or -1 when no language's model has it.</summary>
    public int Find(ulong key)
    {
        var entries = _entries;
        var mask = entries.Length - 1;
        for (var slot = Slot(key); ; slot = (slot + 1) & mask)
        {
            ref readonly var entry = ref entries[slot];
            if (entry.Key == key) return entry.Row;
            if (entry.Key == 0) return -1;
        }
    }

    /// <summary>Asks the CPU to fetch <paramref name="key"/>'s slot, so a <see cref="Find"/> a little later does not wait.</summary>
    public unsafe void Prefetch(ulong key)
    {
        if (!Sse.IsSupported) return;
        fixed (Entry* entry = &_entries[Slot(key)]) Sse.Prefetch0(entry);
    }

    /// <summary>The row of a key of this table's length, without backing off; -1 when absent.</summary>
    public int FindExact(ulong key) => Find(key);

    // Fibonacci hashing: the packed chars of similar n-grams differ in few bits; the multiply spreads them.
    private int Slot(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> _shift);

    public static ulong Pack(ReadOnlySpan<char> ngram)
    {
        ulong key = 0;
        for (var i = 0; i < ngram.Length; i++) key |= (ulong)ngram[i] << (16 * i);
        return key;
    }
}
