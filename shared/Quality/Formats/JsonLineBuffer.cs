using System.Buffers.Binary;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using Refinery.Text;

namespace Refinery.Quality.Formats;

/// <summary>One JSON line being written as ASCII bytes, reused between documents so that writing a record allocates
/// nothing once the buffer has grown to the longest line. Numbers are formatted straight into it (its storage is a
/// <see cref="GrowableBuffer{T}"/>).</summary>
public sealed class JsonLineBuffer(int capacity = 1 << 14)
{
    private const string Hex = "0123456789abcdef";
    private GrowableBuffer<byte> _bytes = new(Math.Max(capacity, 64));

    public int Length => _bytes.Length;

    public ReadOnlySpan<byte> Span => _bytes.Span;
    public ReadOnlyMemory<byte> Memory => _bytes.Memory;

    public void Clear() => _bytes.Clear();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(byte b) => _bytes.Append(b);

    public void Append(ReadOnlySpan<byte> bytes) => _bytes.Append(bytes);

    public void AppendInt(long value)
    {
        // Most integers written are single digits (word counts of short lines, javascript counts): one byte.
        if ((ulong)value < 10)
        {
            _bytes.Append((byte)('0' + value));
            return;
        }
        Utf8Formatter.TryFormat(value, _bytes.Reserve(20).AsSpan(Length), out var written);
        _bytes.SetLength(Length + written);
    }

    public void AppendInt(ulong value)
    {
        Utf8Formatter.TryFormat(value, _bytes.Reserve(20).AsSpan(Length), out var written);
        _bytes.SetLength(Length + written);
    }

    /// <summary>Python's repr of a float (<see cref="PyFloat.Repr"/>).</summary>
    public void AppendFloat(double value)
    {
        var written = PyFloat.ReprUtf8(value, _bytes.Reserve(32).AsSpan(Length));
        _bytes.SetLength(Length + written);
    }

    /// <summary>A JSON string as Python's json.dumps writes it with ensure_ascii: the short escapes for the usual
    /// control characters, \uXXXX (lower-case hex) for every other character outside printable ASCII.</summary>
    public void AppendString(string value)
    {
        var bytes = _bytes.Reserve(6 * value.Length + 2);
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
        _bytes.SetLength(at);
    }

    /// <summary>Bytes as lower-case hex, two characters each.</summary>
    public void AppendHex(ReadOnlySpan<byte> value)
    {
        var bytes = _bytes.Reserve(2 * value.Length);
        var at = Length;
        foreach (var b in value)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at), HexPairs[b]);
            at += 2;
        }
        _bytes.SetLength(at);
    }

    /// <summary>Each value's four bytes, most significant first, as lower-case hex: eight characters a value.</summary>
    public void AppendHexBigEndian(ReadOnlySpan<uint> values)
    {
        var bytes = _bytes.Reserve(8 * values.Length);
        var at = Length;
        var pairs = HexPairs;
        foreach (var v in values)
        {
            var to = bytes.AsSpan(at, 8);
            BinaryPrimitives.WriteUInt16LittleEndian(to, pairs[v >> 24]);
            BinaryPrimitives.WriteUInt16LittleEndian(to[2..], pairs[(v >> 16) & 0xFF]);
            BinaryPrimitives.WriteUInt16LittleEndian(to[4..], pairs[(v >> 8) & 0xFF]);
            BinaryPrimitives.WriteUInt16LittleEndian(to[6..], pairs[v & 0xFF]);
            at += 8;
        }
        _bytes.SetLength(at);
    }

    /// <summary>Per byte, its two hex digits as one little-endian 16-bit store (the first digit in the low byte): one
    /// lookup and one store a byte, for the 512 MinHash bytes of every record.</summary>
    private static readonly ushort[] HexPairs = BuildHexPairs();

    private static ushort[] BuildHexPairs()
    {
        var pairs = new ushort[256];
        for (var b = 0; b < 256; b++) pairs[b] = (ushort)(Hex[b >> 4] | (Hex[b & 0xF] << 8));
        return pairs;
    }

    /// <summary>The line as a string (it is ASCII).</summary>
    public override string ToString() => System.Text.Encoding.ASCII.GetString(Span);
}
