using System.Numerics;
using System.Runtime.CompilerServices;

namespace Refinery.Text.Hashing;

/// <summary>A set of strings with a fast exact path for short ASCII ones: a string of at most 8 ASCII characters packs
/// losslessly into 60 bits (7 per character, plus its length), so membership is one probe of an integer table with no
/// string hashing. Longer or non-ASCII strings go to an ordinary set. Immutable once built; safe to share.</summary>
public sealed class ShortAsciiSet
{
    private const int MaxPacked = 8;
    private readonly ulong[] _slots; // packed key + 1; 0 marks an empty slot
    private readonly int _mask;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _others;

    public ShortAsciiSet(IEnumerable<string> items)
    {
        var packed = new List<ulong>();
        var others = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            MaxLength = Math.Max(MaxLength, item.Length);
            if (TryPack(item, out var key)) packed.Add(key);
            else others.Add(item);
        }
        var size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, packed.Count * 4));
        _slots = new ulong[size];
        _mask = size - 1;
        foreach (var key in packed)
        {
            var slot = Slot(key);
            while (_slots[slot] != 0 && _slots[slot] != key + 1) slot = (slot + 1) & _mask;
            _slots[slot] = key + 1;
        }
        _others = others.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>No member is longer than this.</summary>
    public int MaxLength { get; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Contains(ReadOnlySpan<char> text)
    {
        if (!TryPack(text, out var key)) return _others.Contains(text); // everything that does not pack was stored there
        for (var slot = Slot(key); ; slot = (slot + 1) & _mask)
        {
            var stored = _slots[slot];
            if (stored == 0) return false;
            if (stored == key + 1) return true;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryPack(ReadOnlySpan<char> text, out ulong key)
    {
        key = (ulong)text.Length << 56;
        if (text.Length > MaxPacked) return false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c >= 128) return false;
            key |= (ulong)c << (7 * i);
        }
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Slot(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> 40) & _mask;
}
