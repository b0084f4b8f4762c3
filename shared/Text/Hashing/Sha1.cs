using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Refinery.Text.Hashing;

/// <summary>SHA-1 (FIPS 180-4) for the short messages MinHash hashes by the million. The platform's SHA1.HashData goes
/// through OpenSSL, whose per-call setup costs more than hashing a 100-byte shingle; this managed version has none.
/// Tests compare it with SHA1.HashData on random input.</summary>
public static class Sha1
{
    /// <summary>The first 4 digest bytes read little-endian: datasketch's sha1_hash32.</summary>
    public static uint Hash32(ReadOnlySpan<byte> message) => BinaryPrimitives.ReverseEndianness(FirstWord(message));

    /// <summary>The full 20-byte digest.</summary>
    public static void Hash(ReadOnlySpan<byte> message, Span<byte> digest)
    {
        Span<uint> state = stackalloc uint[5];
        Run(message, state);
        for (var i = 0; i < 5; i++) BinaryPrimitives.WriteUInt32BigEndian(digest[(4 * i)..], state[i]);
    }

    private static uint FirstWord(ReadOnlySpan<byte> message)
    {
        Span<uint> state = stackalloc uint[5];
        Run(message, state);
        return state[0];
    }

    private static void Run(ReadOnlySpan<byte> message, Span<uint> state)
    {
        state[0] = 0x67452301; state[1] = 0xEFCDAB89; state[2] = 0x98BADCFE; state[3] = 0x10325476; state[4] = 0xC3D2E1F0;
        var full = message.Length / 64;
        for (var b = 0; b < full; b++) Block(message.Slice(64 * b, 64), state);

        // Padding: 0x80, zeros, then the bit length big-endian in the last 8 bytes; one or two final blocks.
        Span<byte> tail = stackalloc byte[128];
        tail.Clear();
        var rest = message[(64 * full)..];
        rest.CopyTo(tail);
        tail[rest.Length] = 0x80;
        var tailBlocks = rest.Length + 9 <= 64 ? 1 : 2;
        BinaryPrimitives.WriteUInt64BigEndian(tail[(64 * tailBlocks - 8)..], (ulong)message.Length * 8);
        for (var b = 0; b < tailBlocks; b++) Block(tail.Slice(64 * b, 64), state);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block(ReadOnlySpan<byte> block, Span<uint> state)
    {
        Span<uint> w = stackalloc uint[80];
        for (var t = 0; t < 16; t++) w[t] = BinaryPrimitives.ReadUInt32BigEndian(block[(4 * t)..]);
        for (var t = 16; t < 80; t++) w[t] = BitOperations.RotateLeft(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);

        uint a = state[0], b = state[1], c = state[2], d = state[3], e = state[4];
        for (var t = 0; t < 20; t++) Step((b & c) | (~b & d), 0x5A827999, w[t], ref a, ref b, ref c, ref d, ref e);
        for (var t = 20; t < 40; t++) Step(b ^ c ^ d, 0x6ED9EBA1, w[t], ref a, ref b, ref c, ref d, ref e);
        for (var t = 40; t < 60; t++) Step((b & c) | (b & d) | (c & d), 0x8F1BBCDC, w[t], ref a, ref b, ref c, ref d, ref e);
        for (var t = 60; t < 80; t++) Step(b ^ c ^ d, 0xCA62C1D6, w[t], ref a, ref b, ref c, ref d, ref e);
        state[0] += a; state[1] += b; state[2] += c; state[3] += d; state[4] += e;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step(uint f, uint k, uint word, ref uint a, ref uint b, ref uint c, ref uint d, ref uint e)
    {
        var temp = BitOperations.RotateLeft(a, 5) + f + e + k + word;
        e = d;
        d = c;
        c = BitOperations.RotateLeft(b, 30);
        b = a;
        a = temp;
    }
}
