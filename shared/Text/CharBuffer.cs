using System.Runtime.CompilerServices;

namespace Refinery.Text;

/// <summary>A growable UTF-16 buffer that is reused between documents, so the hot path allocates nothing once warm.</summary>
public struct CharBuffer(int capacity)
{
    private char[] _chars = new char[Math.Max(capacity, 16)];

    public int Length { get; private set; }

    public readonly Span<char> Span => _chars.AsSpan(0, Length);

    public void Clear() => Length = 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(char c)
    {
        if (Length == _chars.Length) Grow(1);
        _chars[Length++] = c;
    }

    public void Append(ReadOnlySpan<char> text)
    {
        if (Length + text.Length > _chars.Length) Grow(text.Length);
        text.CopyTo(_chars.AsSpan(Length));
        Length += text.Length;
    }

    public void AppendCodePoint(int c)
    {
        if (c < 0x10000)
        {
            Append((char)c);
            return;
        }
        Append((char)(0xD800 + ((c - 0x10000) >> 10)));
        Append((char)(0xDC00 + ((c - 0x10000) & 0x3FF)));
    }

    /// <summary>Makes room for <paramref name="extra"/> more characters and returns the whole backing array, so a hot
    /// loop can write at <see cref="Length"/> onwards without a capacity check per character; it then calls
    /// <see cref="SetLength"/>.</summary>
    public char[] Reserve(int extra)
    {
        if (Length + extra > _chars.Length) Grow(extra);
        return _chars;
    }

    /// <summary>Sets the length after writing into the array <see cref="Reserve"/> returned.</summary>
    public void SetLength(int length) => Length = length;

    /// <summary>Drops characters from the end.</summary>
    public void Truncate(int length) => Length = Math.Min(Length, length);

    public readonly override string ToString() => new(_chars, 0, Length);

    private void Grow(int extra) => Array.Resize(ref _chars, Math.Max(_chars.Length * 2, Length + extra));
}
