using System.Runtime.InteropServices;
using Refinery.Text.Hashing;

namespace Refinery.Quality.Models;

/// <summary>
/// One order's n-grams of a <see cref="KneserNeyModel"/>: a fixed-size <see cref="OpenAddressTable{TSlot,TKey}"/>
/// from an <see cref="NGramKey"/> to both of its values, the discounted probability of the n-gram and the backoff
/// weight γ of the n-gram as a history, either of which may be absent. One slot (24 bytes) holds the key and both,
/// so the n-gram a perplexity walk looks up at one position also gives the γ that the next position's walk needs:
/// a walk makes about half the lookups (and cache misses) of separate discounted and backoff tables.
/// At most half full, so a miss (many lookups miss) ends within a few adjacent slots.
/// </summary>
internal sealed class KneserNeyTable
{
    // A NaN with a payload no arithmetic produces marks an absent value; the model's values are finite.
    private const int AbsentBits = 0x7FC0_DEAD;
    private static readonly float Absent = BitConverter.Int32BitsToSingle(AbsentBits);

    private readonly OpenAddressTable<Slot, (ulong Low, ulong High)> _table;

    /// <summary>An empty table with room for <paramref name="capacity"/> keys.</summary>
    public KneserNeyTable(int capacity)
    {
        var size = 4;
        while (size < 2L * capacity) size *= 2;
        _table = new OpenAddressTable<Slot, (ulong, ulong)>(size, size / 2);
    }

    /// <summary>A table of the discounted entries <paramref name="discounted"/> and the backoff entries
    /// <paramref name="backoff"/> (null for the highest order, which is never a history).</summary>
    public KneserNeyTable(IReadOnlyCollection<KeyValuePair<UInt128, float>> discounted, IReadOnlyCollection<KeyValuePair<UInt128, float>>? backoff)
        : this(discounted.Count + (backoff?.Count ?? 0))
    {
        foreach (var (key, value) in discounted) SetDiscounted(key, value);
        if (backoff is not null) foreach (var (key, value) in backoff) SetBackoff(key, value);
    }

    /// <summary>Keys with either value.</summary>
    public int Count => _table.Count;

    /// <summary>Adds or replaces the key's discounted probability. Only while loading: the table never grows.</summary>
    public void SetDiscounted(UInt128 key, float value) => Add(key).Discounted = Present(value);

    /// <summary>Adds or replaces the key's backoff weight. Only while loading.</summary>
    public void SetBackoff(UInt128 key, float value) => Add(key).Backoff = Present(value);

    /// <summary>The discounted probability of <paramref name="key"/> (0 when absent, as for an unseen n-gram), and
    /// its backoff weight when it has one.</summary>
    public float Lookup(UInt128 key, out float backoff, out bool hasBackoff)
    {
        ref readonly var slot = ref _table.Find(Split(key));
        backoff = slot.Backoff;
        hasBackoff = IsPresent(backoff);
        var discounted = slot.Discounted;
        return IsPresent(discounted) ? discounted : 0f;
    }

    /// <summary>Asks the CPU to fetch <paramref name="key"/>'s slot, for a <see cref="Lookup"/> a little later.</summary>
    public void Prefetch(UInt128 key) => _table.Prefetch(Split(key));

    public float DiscountedOrZero(UInt128 key) => Lookup(key, out _, out _);

    public bool TryGetBackoff(UInt128 key, out float backoff)
    {
        Lookup(key, out backoff, out var has);
        return has;
    }

    public bool TryGetDiscounted(UInt128 key, out float discounted)
    {
        ref readonly var slot = ref _table.Find(Split(key));
        discounted = slot.Discounted;
        return IsPresent(discounted);
    }

    /// <summary>The discounted entries (or the backoff entries), sorted by key: the order the model file stores them in.</summary>
    public (UInt128[] Keys, float[] Values) Sorted(bool backoff)
    {
        var keys = new List<UInt128>(Count);
        var values = new List<float>(Count);
        foreach (var slot in _table.Slots)
        {
            var value = backoff ? slot.Backoff : slot.Discounted;
            if (slot.High == Slot.FreeHigh || !IsPresent(value)) continue;
            keys.Add(((UInt128)slot.High << 64) | slot.Low);
            values.Add(value);
        }
        var (k, v) = (keys.ToArray(), values.ToArray());
        Array.Sort(k, v);
        return (k, v);
    }

    private ref Slot Add(UInt128 key)
    {
        var parts = Split(key);
        if (parts.High == Slot.FreeHigh) throw new ArgumentOutOfRangeException(nameof(key), "not an n-gram key");
        return ref _table.GetOrAdd(parts, out _);
    }

    private static float Present(float value) =>
        BitConverter.SingleToInt32Bits(value) == AbsentBits ? throw new ArgumentOutOfRangeException(nameof(value), "reserved NaN") : value;

    private static bool IsPresent(float value) => BitConverter.SingleToInt32Bits(value) != AbsentBits;

    // Split once per lookup, so the probe loop compares two words.
    private static (ulong Low, ulong High) Split(UInt128 key) => ((ulong)key, (ulong)(key >> 64));

    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private struct Slot : IOpenAddressSlot<Slot, (ulong Low, ulong High)>
    {
        // No key has all of its high 64 bits set (keys hold at most 5 × 24 = 120 bits), so this marks a free slot.
        public const ulong FreeHigh = ulong.MaxValue;

        public ulong Low, High;
        public float Discounted, Backoff;

        public static Slot Free => new() { High = FreeHigh, Discounted = Absent, Backoff = Absent };
        public static bool IsFree(in Slot slot) => slot.High == FreeHigh;
        public static bool Holds(in Slot slot, (ulong Low, ulong High) key) => slot.Low == key.Low && slot.High == key.High;
        public static Slot For((ulong Low, ulong High) key) => new() { Low = key.Low, High = key.High, Discounted = Absent, Backoff = Absent };

        // The high word (the first words of longer n-grams) mixed in before the table's multiply.
        public static ulong Fold((ulong Low, ulong High) key) => key.Low ^ (key.High * 0xC2B2AE3D27D4EB4FUL);
    }
}
