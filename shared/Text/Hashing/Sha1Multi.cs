using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Refinery.Text.Hashing;

/// <summary>SHA-1 of many short messages at once, eight per AVX2 register lane (multi-buffer hashing): SHA-1 is only
/// 32-bit additions, rotations and logic, so eight independent messages run through one instruction stream. MinHash
/// hashes one shingle per word, which makes this its hottest loop. <see cref="Sha1"/> is the scalar reference.</summary>
public static class Sha1Multi
{
    private const int Lanes = 8;

    /// <summary>datasketch's sha1_hash32 (first 4 digest bytes, little-endian) of each message
    /// <c>data[starts[i]..ends[i]]</c> into <paramref name="output"/>[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Hash32(ReadOnlySpan<byte> data, ReadOnlySpan<int> starts, ReadOnlySpan<int> ends, Span<uint> output)
    {
        var count = starts.Length;
        if (ends.Length < count || output.Length < count) throw new ArgumentException("starts, ends and output differ in length");
        if (!Avx2.IsSupported)
        {
            for (var i = 0; i < count; i++) output[i] = Sha1.Hash32(data[starts[i]..ends[i]]);
            return;
        }
        for (var i = 0; i < count; i++)
            if ((uint)starts[i] > (uint)ends[i] || (uint)ends[i] > (uint)data.Length) throw new ArgumentOutOfRangeException(nameof(ends));
        var group = stackalloc Lane[Lanes];
        var digests = stackalloc uint[Lanes];
        fixed (byte* bytes = data)
            for (var i = 0; i < count; i += Lanes)
            {
                // A last, partial group repeats its final message in the spare lanes rather than falling back to scalar.
                var real = Math.Min(Lanes, count - i);
                for (var lane = 0; lane < Lanes; lane++)
                {
                    var m = i + Math.Min(lane, real - 1);
                    group[lane] = new Lane(bytes + starts[m], ends[m] - starts[m], data.Length - starts[m]);
                }
                HashGroup(group, digests);
                for (var lane = 0; lane < real; lane++) output[i + lane] = digests[lane];
            }
    }

    /// <summary>One lane's message: where it starts, how long it is, and how many bytes from its start may be read
    /// (its message and whatever follows it in the caller's data).</summary>
    private readonly unsafe struct Lane(byte* start, int length, int readable)
    {
        public readonly byte* Start = start;
        public readonly int Length = length;
        public readonly int Readable = readable;
        public int Blocks => (Length + 9 + 63) / 64;
    }

    /// <summary>Eight messages through SHA-1 side by side. A block that lies whole inside its message is read where it
    /// is; only the last one or two blocks of each message (its tail, 0x80, zeros, bit length) are assembled in scratch.</summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void HashGroup(Lane* lanes, uint* digests)
    {
        var maxBlocks = 0;
        for (var lane = 0; lane < Lanes; lane++) maxBlocks = Math.Max(maxBlocks, lanes[lane].Blocks);

        var state = stackalloc Vector256<uint>[5];
        state[0] = Vector256.Create(0x67452301u);
        state[1] = Vector256.Create(0xEFCDAB89u);
        state[2] = Vector256.Create(0x98BADCFEu);
        state[3] = Vector256.Create(0x10325476u);
        state[4] = Vector256.Create(0xC3D2E1F0u);
        var scratch = stackalloc byte[Lanes * 64]; // a lane's assembled block, when it needs one
        var rows = stackalloc uint*[Lanes];
        var activeMask = stackalloc uint[Lanes];
        var w = stackalloc Vector256<uint>[16];
        var bigEndian = Vector256.Create((byte)3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12,
            3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
        for (var k = 0; k < maxBlocks; k++)
        {
            for (var lane = 0; lane < Lanes; lane++)
            {
                var start = lanes[lane].Start;
                var length = lanes[lane].Length;
                var blocks = (length + 9 + 63) / 64;
                var active = k < blocks;
                activeMask[lane] = active ? uint.MaxValue : 0;
                // A finished lane keeps its last row, hashed again and masked out.
                if (!active) continue;
                if (64 * k + 64 <= length)
                {
                    rows[lane] = (uint*)(start + 64 * k);
                }
                else
                {
                    var block = scratch + 64 * lane;
                    if (64 * k + 64 <= lanes[lane].Readable) FillTailFromData(start + 64 * k, length - 64 * k, k == blocks - 1, length, block);
                    else FillTail(new ReadOnlySpan<byte>(start, length), k, blocks, new Span<byte>(block, 64));
                    rows[lane] = (uint*)block;
                }
            }
            // Word t of every lane: the eight blocks, one per row, transposed eight words at a time (gathers are slow on some cores).
            Transpose(rows, 0, w, bigEndian);
            Transpose(rows, 8, w + 8, bigEndian);
            Compress(w, state, Vector256.Load(activeMask));
        }
        var first = state[0];
        for (var lane = 0; lane < Lanes; lane++) digests[lane] = BinaryPrimitives.ReverseEndianness(first.GetElement(lane));
    }

    /// <summary>Words <c>offset..offset+7</c> of the eight 16-word blocks at <paramref name="rows"/> (one lane's block
    /// each) into eight vectors, byte-swapped to big-endian: three rounds of unpack and lane permutes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Transpose(uint** rows, int offset, Vector256<uint>* columns, Vector256<byte> bigEndian)
    {
        Vector256<uint> r0 = Avx.LoadVector256(rows[0] + offset), r1 = Avx.LoadVector256(rows[1] + offset),
            r2 = Avx.LoadVector256(rows[2] + offset), r3 = Avx.LoadVector256(rows[3] + offset),
            r4 = Avx.LoadVector256(rows[4] + offset), r5 = Avx.LoadVector256(rows[5] + offset),
            r6 = Avx.LoadVector256(rows[6] + offset), r7 = Avx.LoadVector256(rows[7] + offset);
        // Pairs of rows interleaved by word, then by pairs of words: within each 128-bit half, column j of rows 0–3 (or 4–7).
        var t0 = Avx2.UnpackLow(r0, r1).AsUInt64(); var t1 = Avx2.UnpackHigh(r0, r1).AsUInt64();
        var t2 = Avx2.UnpackLow(r2, r3).AsUInt64(); var t3 = Avx2.UnpackHigh(r2, r3).AsUInt64();
        var t4 = Avx2.UnpackLow(r4, r5).AsUInt64(); var t5 = Avx2.UnpackHigh(r4, r5).AsUInt64();
        var t6 = Avx2.UnpackLow(r6, r7).AsUInt64(); var t7 = Avx2.UnpackHigh(r6, r7).AsUInt64();
        var u0 = Avx2.UnpackLow(t0, t2).AsUInt32(); var u1 = Avx2.UnpackHigh(t0, t2).AsUInt32();
        var u2 = Avx2.UnpackLow(t1, t3).AsUInt32(); var u3 = Avx2.UnpackHigh(t1, t3).AsUInt32();
        var u4 = Avx2.UnpackLow(t4, t6).AsUInt32(); var u5 = Avx2.UnpackHigh(t4, t6).AsUInt32();
        var u6 = Avx2.UnpackLow(t5, t7).AsUInt32(); var u7 = Avx2.UnpackHigh(t5, t7).AsUInt32();
        columns[0] = Swap(Avx2.Permute2x128(u0, u4, 0x20), bigEndian);
        columns[1] = Swap(Avx2.Permute2x128(u1, u5, 0x20), bigEndian);
        columns[2] = Swap(Avx2.Permute2x128(u2, u6, 0x20), bigEndian);
        columns[3] = Swap(Avx2.Permute2x128(u3, u7, 0x20), bigEndian);
        columns[4] = Swap(Avx2.Permute2x128(u0, u4, 0x31), bigEndian);
        columns[5] = Swap(Avx2.Permute2x128(u1, u5, 0x31), bigEndian);
        columns[6] = Swap(Avx2.Permute2x128(u2, u6, 0x31), bigEndian);
        columns[7] = Swap(Avx2.Permute2x128(u3, u7, 0x31), bigEndian);

        static Vector256<uint> Swap(Vector256<uint> x, Vector256<byte> order) => Avx2.Shuffle(x.AsByte(), order).AsUInt32();
    }

    /// <summary><see cref="FillTail"/> for a block that may be read whole from the data (what follows the message there
    /// is masked off): two vector loads, masks and stores instead of a byte copy and a clear per tail.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void FillTailFromData(byte* at, int remaining, bool last, int length, byte* block)
    {
        var index0 = Vector256.Create((byte)0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
            16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31);
        var index1 = index0 + Vector256.Create((byte)32);
        // remaining is below 64 here; when it is negative the block holds none of the message and no 0x80 either.
        var kept = Vector256.Create((byte)Math.Max(remaining, 0));
        var marker = Vector256.Create((byte)(remaining >= 0 ? remaining : 0xFF));
        var high = Vector256.Create((byte)0x80);
        var low = (Vector256.Load(at) & Vector256.LessThan(index0, kept)) | (Vector256.Equals(index0, marker) & high);
        var top = (Vector256.Load(at + 32) & Vector256.LessThan(index1, kept)) | (Vector256.Equals(index1, marker) & high);
        low.Store(block);
        top.Store(block + 32);
        if (last) *(ulong*)(block + 56) = BinaryPrimitives.ReverseEndianness((ulong)length * 8);
    }

    /// <summary>A block past the message's full blocks: its remaining bytes, 0x80, zeros, and the bit length.</summary>
    private static void FillTail(ReadOnlySpan<byte> message, int k, int blockCount, Span<byte> block)
    {
        var offset = 64 * k;
        var available = Math.Clamp(message.Length - offset, 0, 64);
        if (available > 0) message.Slice(offset, available).CopyTo(block);
        block[available..].Clear();
        if (message.Length >= offset && message.Length < offset + 64) block[message.Length - offset] = 0x80;
        if (k == blockCount - 1) BinaryPrimitives.WriteUInt64BigEndian(block[56..], (ulong)message.Length * 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Compress(Vector256<uint>* w, Vector256<uint>* state, Vector256<uint> mask)
    {
        Vector256<uint> a = state[0], b = state[1], c = state[2], d = state[3], e = state[4];
        var k = Vector256.Create(0x5A827999u);
        for (var t = 0; t < 20; t++)
            Round(ref a, ref b, ref c, ref d, ref e, Choose(b, c, d), k, Schedule(w, t));
        k = Vector256.Create(0x6ED9EBA1u);
        for (var t = 20; t < 40; t++)
            Round(ref a, ref b, ref c, ref d, ref e, Parity(b, c, d), k, Schedule(w, t));
        k = Vector256.Create(0x8F1BBCDCu);
        for (var t = 40; t < 60; t++)
            Round(ref a, ref b, ref c, ref d, ref e, Majority(b, c, d), k, Schedule(w, t));
        k = Vector256.Create(0xCA62C1D6u);
        for (var t = 60; t < 80; t++)
            Round(ref a, ref b, ref c, ref d, ref e, Parity(b, c, d), k, Schedule(w, t));
        // Lanes whose message has no block k keep their state.
        state[0] += a & mask;
        state[1] += b & mask;
        state[2] += c & mask;
        state[3] += d & mask;
        state[4] += e & mask;
    }

    /// <summary>The message schedule in a rolling window of 16 words.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector256<uint> Schedule(Vector256<uint>* w, int t)
    {
        if (t < 16) return w[t];
        var word = Rotl1(w[(t - 3) & 15] ^ w[(t - 8) & 15] ^ w[(t - 14) & 15] ^ w[t & 15]);
        w[t & 15] = word;
        return word;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(ref Vector256<uint> a, ref Vector256<uint> b, ref Vector256<uint> c, ref Vector256<uint> d,
        ref Vector256<uint> e, Vector256<uint> f, Vector256<uint> k, Vector256<uint> word)
    {
        // Summed so that only Rotl5(a) and one addition wait for the previous round: f reads b, which was ready a
        // round earlier, and e, k and the word are older still. Left to right, a round waited for four additions.
        var temp = Rotl5(a) + (f + (e + k + word));
        e = d;
        d = c;
        c = Rotl30(b);
        b = a;
        a = temp;
    }

    // With AVX-512VL each of these is one instruction (vprold, vpternlogd); otherwise two or three.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Rotl1(Vector256<uint> x) =>
        Avx512F.VL.IsSupported ? Avx512F.VL.RotateLeft(x, 1) : Vector256.ShiftLeft(x, 1) | Vector256.ShiftRightLogical(x, 31);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Rotl5(Vector256<uint> x) =>
        Avx512F.VL.IsSupported ? Avx512F.VL.RotateLeft(x, 5) : Vector256.ShiftLeft(x, 5) | Vector256.ShiftRightLogical(x, 27);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Rotl30(Vector256<uint> x) =>
        Avx512F.VL.IsSupported ? Avx512F.VL.RotateLeft(x, 30) : Vector256.ShiftLeft(x, 30) | Vector256.ShiftRightLogical(x, 2);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Choose(Vector256<uint> b, Vector256<uint> c, Vector256<uint> d) =>
        Avx512F.VL.IsSupported ? Avx512F.VL.TernaryLogic(b, c, d, 0xCA) : (b & c) | Vector256.AndNot(d, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Parity(Vector256<uint> b, Vector256<uint> c, Vector256<uint> d) =>
        Avx512F.VL.IsSupported ? Avx512F.VL.TernaryLogic(b, c, d, 0x96) : b ^ c ^ d;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Majority(Vector256<uint> b, Vector256<uint> c, Vector256<uint> d) =>
        Avx512F.VL.IsSupported ? Avx512F.VL.TernaryLogic(b, c, d, 0xE8) : (b & (c | d)) | (c & d); // two steps after b
}
