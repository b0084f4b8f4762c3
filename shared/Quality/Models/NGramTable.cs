using System.Runtime.InteropServices;

namespace Refinery.Quality.Models;

/// <summary>
/// A fixed-size, open-addressed (linear probing) map from an <see cref="NGramKey"/> to a float, for the language
/// model's lookups: key and value share one 20-byte slot, so a lookup is usually one cache miss where a
/// <see cref="Dictionary{TKey,TValue}"/> takes two (bucket, then entry), and loading fills it without rehashing.
/// At most half full, so a miss (most backoff lookups miss) ends within a few adjacent slots.
/// </summary>
internal sealed class NGramTable
{
    // No key has all of its high 64 bits set (keys hold at most 5 × 24 = 120 bits), so this marks a free slot.
    private const ulong Free = ulong.MaxValue;

    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private struct Slot
    {
        public ulong Low, High;
        public float Value;
    }

    private readonly Slot[] _slots;
    private readonly int _shift;
    private readonly int _mask;

    /// <summary>An empty table with room for <paramref name="capacity"/> keys.</summary>
    public NGramTable(int capacity)
    {
        var size = 4;
        while (size < 2L * capacity) size *= 2;
        _slots = new Slot[size];
        foreach (ref var slot in _slots.AsSpan()) slot.High = Free;
        _mask = size - 1;
        _shift = 64 - int.Log2(size);
    }

    public NGramTable(Dictionary<UInt128, float> entries) : this(entries.Count)
    {
        foreach (var (key, value) in entries) Set(key, value);
    }

    public int Count { get; private set; }

    /// <summary>Adds the key or replaces its value. Only while loading: the table never grows.</summary>
    public void Set(UInt128 key, float value)
    {
        var (low, high) = ((ulong)key, (ulong)(key >> 64));
        if (high == Free) throw new ArgumentOutOfRangeException(nameof(key), "not an n-gram key");
        if (Count + 1 > _slots.Length / 2) throw new InvalidOperationException("n-gram table is full");
        var i = Index(low, high);
        while (true)
        {
            ref var slot = ref _slots[i];
            if (slot.High == Free)
            {
                (slot.Low, slot.High, slot.Value) = (low, high, value);
                Count++;
                return;
            }
            if (slot.Low == low && slot.High == high) { slot.Value = value; return; }
            i = (i + 1) & _mask;
        }
    }

    public bool TryGetValue(UInt128 key, out float value)
    {
        var (low, high) = ((ulong)key, (ulong)(key >> 64));
        var slots = _slots;
        var i = Index(low, high);
        while (true)
        {
            ref readonly var slot = ref slots[i];
            if (slot.Low == low && slot.High == high) { value = slot.Value; return true; }
            if (slot.High == Free) { value = 0; return false; }
            i = (i + 1) & _mask;
        }
    }

    public float GetValueOrDefault(UInt128 key) => TryGetValue(key, out var value) ? value : 0f;

    /// <summary>Every entry, sorted by key (the order the model file stores them in).</summary>
    public (UInt128[] Keys, float[] Values) Sorted()
    {
        var keys = new UInt128[Count];
        var values = new float[Count];
        var n = 0;
        foreach (var slot in _slots)
        {
            if (slot.High == Free) continue;
            keys[n] = ((UInt128)slot.High << 64) | slot.Low;
            values[n++] = slot.Value;
        }
        Array.Sort(keys, values);
        return (keys, values);
    }

    // Fibonacci hashing: the multiply spreads the packed word ids over the high bits, which pick the slot.
    private int Index(ulong low, ulong high) => (int)(((low ^ (high * 0xC2B2AE3D27D4EB4FUL)) * 0x9E3779B97F4A7C15UL) >> _shift);
}
