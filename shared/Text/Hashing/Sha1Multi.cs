using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Refinery.Text.Hashing;

/// <summary>SHA-1 of many short messages at once, eight per AVX2 register lane (multi-buffer hashing): SHA-1 is only
/// 32-bit additions, rotations and logic, so eight independent messages run through one instruction stream. MinHash
/// hashes one shingle per word, which makes this its hottest loop. <see cref="Sha1"/> is the scalar reference.</summary>
public static class Sha1Multi
{
    private const int Lanes = 8;

    /// <summary>datasketch's sha1_hash32 (first 4 digest bytes, little-endian) of each message
    /// <c>data[starts[i]..ends[i]]</c> into <paramref name="output"/>[i].</summary>
    public static void Hash32(ReadOnlySpan<byte> data, ReadOnlySpan<int> starts, ReadOnlySpan<int> ends, Span<uint> output)
    {
        var count = starts.Length;
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; i + Lanes <= count; i += Lanes)
                HashGroup(data, starts.Slice(i, Lanes), ends.Slice(i, Lanes), output.Slice(i, Lanes));
        for (; i < count; i++) output[i] = Sha1.Hash32(data[starts[i]..ends[i]]);
    }

    [SkipLocalsInit]
    private static void HashGroup(ReadOnlySpan<byte> data, ReadOnlySpan<int> starts, ReadOnlySpan<int> ends, Span<uint> output)
    {
        Span<int> blocks = stackalloc int[Lanes];
        var maxBlocks = 0;
        for (var lane = 0; lane < Lanes; lane++)
        {
            blocks[lane] = (ends[lane] - starts[lane] + 9 + 63) / 64;
            maxBlocks = Math.Max(maxBlocks, blocks[lane]);
        }

        var h0 = Vector256.Create(0x67452301u);
        var h1 = Vector256.Create(0xEFCDAB89u);
        var h2 = Vector256.Create(0x98BADCFEu);
        var h3 = Vector256.Create(0x10325476u);
        var h4 = Vector256.Create(0xC3D2E1F0u);
        Span<uint> words = stackalloc uint[16 * Lanes]; // words[t * 8 + lane]: word t of the lane's current block
        Span<byte> block = stackalloc byte[64];
        Span<uint> activeMask = stackalloc uint[Lanes];
        Span<Vector256<uint>> w = stackalloc Vector256<uint>[16];
        for (var k = 0; k < maxBlocks; k++)
        {
            for (var lane = 0; lane < Lanes; lane++)
            {
                var active = k < blocks[lane];
                activeMask[lane] = active ? uint.MaxValue : 0;
                if (!active) continue;
                FillBlock(data[starts[lane]..ends[lane]], k, blocks[lane], block);
                for (var t = 0; t < 16; t++) words[t * Lanes + lane] = BinaryPrimitives.ReadUInt32BigEndian(block[(4 * t)..]);
            }
            for (var t = 0; t < 16; t++) w[t] = Vector256.Create<uint>(words.Slice(t * Lanes, Lanes));
            var mask = Vector256.Create<uint>(activeMask);
            Compress(w, ref h0, ref h1, ref h2, ref h3, ref h4, mask);
        }
        for (var lane = 0; lane < Lanes; lane++) output[lane] = BinaryPrimitives.ReverseEndianness(h0.GetElement(lane));
    }

    /// <summary>Block <paramref name="k"/> of the padded message: its bytes, then 0x80, zeros, and the bit length.</summary>
    private static void FillBlock(ReadOnlySpan<byte> message, int k, int blockCount, Span<byte> block)
    {
        var offset = 64 * k;
        var available = Math.Clamp(message.Length - offset, 0, 64);
        if (available > 0) message.Slice(offset, available).CopyTo(block);
        block[available..].Clear();
        if (message.Length >= offset && message.Length < offset + 64) block[message.Length - offset] = 0x80;
        if (k == blockCount - 1) BinaryPrimitives.WriteUInt64BigEndian(block[56..], (ulong)message.Length * 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compress(Span<Vector256<uint>> w, ref Vector256<uint> h0, ref Vector256<uint> h1, ref Vector256<uint> h2,
        ref Vector256<uint> h3, ref Vector256<uint> h4, Vector256<uint> mask)
    {
        Vector256<uint> a = h0, b = h1, c = h2, d = h3, e = h4;
        var k1 = Vector256.Create(0x5A827999u);
        var k2 = Vector256.Create(0x6ED9EBA1u);
        var k3 = Vector256.Create(0x8F1BBCDCu);
        var k4 = Vector256.Create(0xCA62C1D6u);
        for (var t = 0; t < 80; t++)
        {
            // The schedule in a rolling window of 16 words.
            Vector256<uint> word;
            if (t < 16) word = w[t];
            else
            {
                word = Rotl(w[(t - 3) & 15] ^ w[(t - 8) & 15] ^ w[(t - 14) & 15] ^ w[t & 15], 1);
                w[t & 15] = word;
            }
            Vector256<uint> f, k;
            if (t < 20) { f = (b & c) | Vector256.AndNot(d, b); k = k1; }
            else if (t < 40) { f = b ^ c ^ d; k = k2; }
            else if (t < 60) { f = (b & c) | (b & d) | (c & d); k = k3; }
            else { f = b ^ c ^ d; k = k4; }
            var temp = Rotl(a, 5) + f + e + k + word;
            e = d;
            d = c;
            c = Rotl(b, 30);
            b = a;
            a = temp;
        }
        // Lanes whose message has no block k keep their state.
        h0 += a & mask; h1 += b & mask; h2 += c & mask; h3 += d & mask; h4 += e & mask;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Rotl(Vector256<uint> x, int n) =>
        Vector256.ShiftLeft(x, n) | Vector256.ShiftRightLogical(x, 32 - n);
}
