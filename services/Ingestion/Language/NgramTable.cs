using System.Numerics;
using Refinery.Text.Hashing;

namespace Refinery.Ingestion.Language;

/// <summary>An <see cref="OpenAddressTable{TSlot,TKey}"/> from an n-gram packed into a ulong (16 bits a char, up to
/// three chars) to a row of the model matrix, at most two thirds full. Immutable once built, so lookups are
/// thread-safe. Key 0 cannot be an n-gram (n-grams are letters), so it marks an empty slot.</summary>
internal sealed class NgramTable
{
    private readonly OpenAddressTable<Entry, ulong> _table;

    public NgramTable(IReadOnlyList<ulong> keys, int firstRow)
    {
        var capacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, keys.Count + keys.Count / 2));
        _table = new OpenAddressTable<Entry, ulong>(capacity, keys.Count);
        for (var i = 0; i < keys.Count; i++) _table.GetOrAdd(keys[i], out _).Row = firstRow + i;
    }

    public long Bytes => _table.Bytes;

    /// <summary>The row of <paramref name="key"/>, or -1 when no language's model has it.</summary>
    public int Find(ulong key)
    {
        ref readonly var entry = ref _table.Find(key);
        return entry.Key == 0 ? -1 : entry.Row;
    }

    /// <summary>Asks the CPU to fetch <paramref name="key"/>'s slot, so a <see cref="Find"/> a little later does not wait.</summary>
    public void Prefetch(ulong key) => _table.Prefetch(key);

    /// <summary>The row of a key of this table's length, without backing off; -1 when absent.</summary>
    public int FindExact(ulong key) => Find(key);

    public static ulong Pack(ReadOnlySpan<char> ngram)
    {
        ulong key = 0;
        for (var i = 0; i < ngram.Length; i++) key |= (ulong)ngram[i] << (16 * i);
        return key;
    }

    // Key and row side by side: one cache line per probe on a table too big for the cache.
    private struct Entry : IOpenAddressSlot<Entry, ulong>
    {
        public ulong Key;
        public int Row;

        public static Entry Free => default;
        public static bool IsFree(in Entry entry) => entry.Key == 0;
        public static bool Holds(in Entry entry, ulong key) => entry.Key == key;
        public static Entry For(ulong key) => new() { Key = key };

        // The packed chars go to the table's multiply as they are.
        public static ulong Fold(ulong key) => key;
    }
}
