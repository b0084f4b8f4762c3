using System.Runtime.CompilerServices;

namespace Refinery.Text;

/// <summary>An array that grows by doubling and is cleared without freeing, reused between documents or row groups so
/// a hot path allocates nothing once warm, and whose filled part is handed out as a span or memory without a copy.
/// A mutable struct, so its array sits in the owner's object with no extra indirection: keep it in a non-readonly
/// field or array element and pass it by <c>ref</c>.</summary>
public struct GrowableBuffer<T>(int capacity)
{
    private T[] _items = new T[Math.Max(capacity, 16)];

    public int Length { get; private set; }

    public readonly Span<T> Span => _items.AsSpan(0, Length);

    public readonly Memory<T> Memory => _items.AsMemory(0, Length);

    public void Clear()
    {
        // Reference types would stay reachable from the unused slots.
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>()) Array.Clear(_items, 0, Length);
        Length = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(T item)
    {
        if (Length == _items.Length) Grow(1);
        _items[Length++] = item;
    }

    public void Append(ReadOnlySpan<T> items)
    {
        if (Length + items.Length > _items.Length) Grow(items.Length);
        items.CopyTo(_items.AsSpan(Length));
        Length += items.Length;
    }

    /// <summary>Makes room for <paramref name="extra"/> more items and returns the whole backing array, so a hot loop
    /// can write at <see cref="Length"/> onwards without a capacity check per item; it then calls <see cref="SetLength"/>.</summary>
    public T[] Reserve(int extra)
    {
        if (Length + extra > _items.Length) Grow(extra);
        return _items;
    }

    /// <summary>Sets the length after writing into the array <see cref="Reserve"/> returned.</summary>
    public void SetLength(int length) => Length = length;

    /// <summary>Drops items from the end.</summary>
    public void Truncate(int length) => Length = Math.Min(Length, length);

    private void Grow(int extra) => Array.Resize(ref _items, Math.Max(_items.Length * 2, Length + extra));
}

/// <summary>Text operations on a <see cref="GrowableBuffer{T}"/> of UTF-16 chars.</summary>
public static class CharBufferExtensions
{
    /// <summary>Appends a code point, as a surrogate pair above the BMP.</summary>
    public static void AppendCodePoint(this ref GrowableBuffer<char> buffer, int c)
    {
        if (c < 0x10000)
        {
            buffer.Append((char)c);
            return;
        }
        buffer.Append((char)(0xD800 + ((c - 0x10000) >> 10)));
        buffer.Append((char)(0xDC00 + ((c - 0x10000) & 0x3FF)));
    }
}
