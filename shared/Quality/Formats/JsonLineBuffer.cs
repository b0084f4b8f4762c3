using System.Buffers.Text;
using System.Runtime.CompilerServices;
using Refinery.Text;

namespace Refinery.Quality.Formats;

/// <summary>One JSON line being written as ASCII bytes, reused between documents so that writing a record allocates
/// nothing once the buffer has grown to the longest line. Numbers are formatted straight into it.</summary>
public sealed class JsonLineBuffer(int capacity = 1 << 14)
{
    private const string Hex = "0123456789abcdef";
    private byte[] _bytes = new byte[Math.Max(capacity, 64)];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Span => _bytes.AsSpan(0, Length);
    public ReadOnlyMemory<byte> Memory => _bytes.AsMemory(0, Length);

    public void Clear() => Length = 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(byte b)
    {
        if (Length == _bytes.Length) Grow(1);
        _bytes[Length++] = b;
    }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (Length + bytes.Length > _bytes.Length) Grow(bytes.Length);
        bytes.CopyTo(_bytes.AsSpan(Length));
        Length += bytes.Length;
    }

    public void AppendInt(long value)
    {
        if (Length + 20 > _bytes.Length) Grow(20);
        Utf8Formatter.TryFormat(value, _bytes.AsSpan(Length), out var written);
        Length += written;
    }

    public void AppendInt(ulong value)
    {
        if (Length + 20 > _bytes.Length) Grow(20);
        Utf8Formatter.TryFormat(value, _bytes.AsSpan(Length), out var written);
        Length += written;
    }

    /// <summary>Python's repr of a float (<see cref="PyFloat.Repr"/>).</summary>
    public void AppendFloat(double value)
    {
        if (Length + 32 > _bytes.Length) Grow(32);
        Length += PyFloat.ReprUtf8(value, _bytes.AsSpan(Length));
    }

    /// <summary>A JSON string as Python's json.dumps writes it with ensure_ascii: the short escapes for the usual
    /// control characters, \uXXXX (lower-case hex) for every other character outside printable ASCII.</summary>
    public void AppendString(string value)
    {
        if (Length + 6 * value.Length + 2 > _bytes.Length) Grow(6 * value.Length + 2);
        var bytes = _bytes;
        var at = Length;
        bytes[at++] = (byte)'"';
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': bytes[at++] = (byte)'\\'; bytes[at++] = (byte)'"'; break;
                case '\\': bytes[at++] = (byte)'\\'; bytes[at++] = (byte)'\\'; break;
                case '\n': bytes[at++] = (byte)'\\'; bytes[at++] = (byte)'n'; break;
                case '\r': bytes[at++] = (byte)'\\'; bytes[at++] = (byte)'r'; break;
                case '\t': bytes[at++] = (byte)'\\'; bytes[at++] = (byte)'t'; break;
                case '\b': bytes[at++] = (byte)'\\'; bytes[at++] = (byte)'b'; break;
                case '\f': bytes[at++] = (byte)'\\'; bytes[at++] = (byte)'f'; break;
                default:
                    if (c < 0x20 || c > 0x7E)
                    {
                        bytes[at++] = (byte)'\\';
                        bytes[at++] = (byte)'u';
                        bytes[at++] = (byte)Hex[c >> 12];
                        bytes[at++] = (byte)Hex[(c >> 8) & 0xF];
                        bytes[at++] = (byte)Hex[(c >> 4) & 0xF];
                        bytes[at++] = (byte)Hex[c & 0xF];
                    }
                    else bytes[at++] = (byte)c;
                    break;
            }
        }
        bytes[at++] = (byte)'"';
        Length = at;
    }

    /// <summary>Bytes as lower-case hex, two characters each.</summary>
    public void AppendHex(ReadOnlySpan<byte> value)
    {
        if (Length + 2 * value.Length > _bytes.Length) Grow(2 * value.Length);
        var at = Length;
        foreach (var b in value)
        {
            _bytes[at++] = (byte)Hex[b >> 4];
            _bytes[at++] = (byte)Hex[b & 0xF];
        }
        Length = at;
    }

    /// <summary>The line as a string (it is ASCII).</summary>
    public override string ToString() => System.Text.Encoding.ASCII.GetString(Span);

    private void Grow(int extra) => Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, Length + extra));
}
