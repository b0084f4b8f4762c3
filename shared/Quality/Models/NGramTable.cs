using System.Runtime.InteropServices;
using Refinery.Text.Hashing;

namespace Refinery.Quality.Models;

/// <summary>
/// A fixed-size <see cref="OpenAddressTable{TSlot,TKey}"/> from an <see cref="NGramKey"/> to a float, for the language
/// model's lookups: key and value share one 20-byte slot, so a lookup is usually one cache miss where a
/// <see cref="Dictionary{TKey,TValue}"/> takes two (bucket, then entry), and loading fills it without rehashing.
/// At most half full, so a miss (most backoff lookups miss) ends within a few adjacent slots.
/// </summary>
internal sealed class NGramTable
{
    private readonly OpenAddressTable<Slot, (ulong Low, ulong High)> _table;

    /// <summary>An empty table with room for <paramref name="capacity"/> keys.</summary>
    public NGramTable(int capacity)
    {
        var size = 4;
        while (size < 2L * capacity) size *= 2;
        _table = new OpenAddressTable<Slot, (ulong, ulong)>(size, size / 2);
    }

    public NGramTable(Dictionary<UInt128, float> entries) : this(entries.Count)
    {
        foreach (var (key, value) in entries) Set(key, value);
    }

    public int Count => _table.Count;

    /// <summary>Adds the key or replaces its value. Only while loading: the table never grows.</summary>
    public void Set(UInt128 key, float value)
    {
        var parts = Split(key);
        if (parts.High == Slot.FreeHigh) throw new ArgumentOutOfRangeException(nameof(key), "not an n-gram key");
        _table.GetOrAdd(parts, out _).Value = value;
    }

    public bool TryGetValue(UInt128 key, out float value)
    {
        ref readonly var slot = ref _table.Find(Split(key));
        value = slot.High == Slot.FreeHigh ? 0 : slot.Value;
        return slot.High != Slot.FreeHigh;
    }

    public float GetValueOrDefault(UInt128 key) => TryGetValue(key, out var value) ? value : 0f;

    /// <summary>Every entry, sorted by key (the order the model file stores them in).</summary>
    public (UInt128[] Keys, float[] Values) Sorted()
    {
        var keys = new UInt128[Count];
        var values = new float[Count];
        var n = 0;
        foreach (var slot in _table.Slots)
        {
            if (slot.High == Slot.FreeHigh) continue;
            keys[n] = ((UInt128)slot.High << 64) | slot.Low;
            values[n++] = slot.Value;
        }
        Array.Sort(keys, values);
        return (keys, values);
    }

    // Split once per lookup, so the probe loop compares two words.
    private static (ulong Low, ulong High) Split(UInt128 key) => ((ulong)key, (ulong)(key >> 64));

    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private struct Slot : IOpenAddressSlot<Slot, (ulong Low, ulong High)>
    {
        // No key has all of its high 64 bits set (keys hold at most 5 × 24 = 120 bits), so this marks a free slot.
        public const ulong FreeHigh = ulong.MaxValue;

        public ulong Low, High;
        public float Value;

        public static Slot Free => new() { High = FreeHigh };
        public static bool IsFree(in Slot slot) => slot.High == FreeHigh;
        public static bool Holds(in Slot slot, (ulong Low, ulong High) key) => slot.Low == key.Low && slot.High == key.High;
        public static Slot For((ulong Low, ulong High) key) => new() { Low = key.Low, High = key.High };

        // The high word (the first words of longer n-grams) mixed in before the table's multiply.
        public static ulong Fold((ulong Low, ulong High) key) => key.Low ^ (key.High * 0xC2B2AE3D27D4EB4FUL);
    }
}
