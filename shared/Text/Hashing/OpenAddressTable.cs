using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Refinery.Text.Hashing;

/// <summary>How an <see cref="OpenAddressTable{TSlot,TKey}"/> reads one slot type. The slot struct lays out its key
/// and value as its table needs (so it decides how many bytes a probe pulls in); the members are static, so the JIT
/// specializes the table for each slot struct and inlines them: no interface call in the probe loop.</summary>
public interface IOpenAddressSlot<TSlot, TKey> where TSlot : unmanaged, IOpenAddressSlot<TSlot, TKey>
{
    /// <summary>A slot that holds no key.</summary>
    static abstract TSlot Free { get; }

    static abstract bool IsFree(in TSlot slot);

    static abstract bool Holds(in TSlot slot, TKey key);

    /// <summary>A slot holding <paramref name="key"/> (with any value; the caller sets it).</summary>
    static abstract TSlot For(TKey key);

    /// <summary>The key folded to 64 bits; the table's multiply then spreads it over the bits that pick the slot.</summary>
    static abstract ulong Fold(TKey key);
}

/// <summary>A fixed-size map from a key to a value held in one slot array: open addressing with linear probing over a
/// power-of-two table, so a lookup is usually one cache miss and a miss ends within a few adjacent slots. It never
/// grows; lookups are thread-safe once it is filled.</summary>
public sealed class OpenAddressTable<TSlot, TKey> where TSlot : unmanaged, IOpenAddressSlot<TSlot, TKey>
{
    private readonly TSlot[] _slots;
    private readonly int _shift;
    private readonly int _maxCount;

    /// <param name="size">Slots, a power of two; the caller's load factor decides it.</param>
    /// <param name="maxCount">Keys at most: adding one more throws, so probes stay short.</param>
    public OpenAddressTable(int size, int maxCount)
    {
        if (size < 2 || !int.IsPow2(size)) throw new ArgumentOutOfRangeException(nameof(size), size, "not a power of two");
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(maxCount, size);
        _slots = new TSlot[size];
        if (!TSlot.IsFree(default)) _slots.AsSpan().Fill(TSlot.Free);
        _shift = 64 - int.Log2(size);
        _maxCount = maxCount;
    }

    public int Count { get; private set; }

    /// <summary>Every slot, free or not, in table order.</summary>
    public ReadOnlySpan<TSlot> Slots => _slots;

    public long Bytes => (long)_slots.Length * Unsafe.SizeOf<TSlot>();

    /// <summary>The slot holding <paramref name="key"/>, filled with <see cref="IOpenAddressSlot{TSlot,TKey}.For"/>
    /// when it is new. Only while loading.</summary>
    public ref TSlot GetOrAdd(TKey key, out bool added)
    {
        var slots = _slots;
        var mask = slots.Length - 1;
        for (var i = Index(key); ; i = (i + 1) & mask)
        {
            ref var slot = ref slots[i];
            if (TSlot.Holds(slot, key))
            {
                added = false;
                return ref slot;
            }
            if (!TSlot.IsFree(slot)) continue;
            if (Count >= _maxCount) throw new InvalidOperationException($"the table is full at {_maxCount} keys");
            slot = TSlot.For(key);
            Count++;
            added = true;
            return ref slot;
        }
    }

    /// <summary>The slot holding <paramref name="key"/>, or the free slot where its probe ended (check with
    /// <see cref="IOpenAddressSlot{TSlot,TKey}.IsFree"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref readonly TSlot Find(TKey key)
    {
        var slots = _slots;
        var mask = slots.Length - 1;
        for (var i = Index(key); ; i = (i + 1) & mask)
        {
            ref readonly var slot = ref slots[i];
            if (TSlot.Holds(slot, key) || TSlot.IsFree(slot)) return ref slot;
        }
    }

    /// <summary>Asks the CPU to fetch <paramref name="key"/>'s first slot, so a <see cref="Find"/> a little later does not wait.</summary>
    public unsafe void Prefetch(TKey key)
    {
        if (!Sse.IsSupported) return;
        fixed (TSlot* slot = &_slots[Index(key)]) Sse.Prefetch0(slot);
    }

    // Fibonacci hashing: the keys of similar items differ in few bits; the multiply spreads them over the high bits.
    private int Index(TKey key) => (int)((TSlot.Fold(key) * 0x9E3779B97F4A7C15UL) >> _shift);
}
