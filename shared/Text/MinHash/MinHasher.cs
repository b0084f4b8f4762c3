using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Refinery.Text.Hashing;

namespace Refinery.Text.MinHash;

/// <summary>RPv2's MinHash signature (datasketch with sha1_hash32): the shingles are the word n-grams joined by one
/// space; each is hashed with the first 4 bytes of its SHA-1, read little-endian; signature j is the minimum of
/// φ_j over the shingles. Not thread-safe (scratch buffers); one per thread.</summary>
public sealed class MinHasher
{
    private readonly MinHashPermutations _permutations;
    private readonly ulong[] _aLow, _aHigh;
    private uint[] _hashes = new uint[256];

    public MinHasher(MinHashPermutations permutations, int ngram, ShingleHash hash = ShingleHash.Sha1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ngram, 1);
        _permutations = permutations;
        NGram = ngram;
        Hash = hash;
        _aLow = permutations.A.Select(a => a & 0xFFFF_FFFF).ToArray();
        _aHigh = permutations.A.Select(a => a >> 32 << 32).ToArray(); // the high half kept in place: see Permute
    }

    public int NGram { get; }
    public ShingleHash Hash { get; }
    public int Count => _permutations.Count;

    /// <summary>Computes the signature of the words whose UTF-8 byte ranges in <paramref name="utf8"/> are
    /// [starts[i], ends[i]), consecutive words being separated by exactly one space. Returns false (and leaves
    /// <paramref name="signature"/> untouched) when there are fewer words than the n-gram size.</summary>
    public bool TryCompute(ReadOnlySpan<byte> utf8, ReadOnlySpan<int> starts, ReadOnlySpan<int> ends, Span<uint> signature)
    {
        var shingles = starts.Length - NGram + 1;
        if (shingles <= 0) return false;
        if (_hashes.Length < shingles) _hashes = new uint[Math.Max(shingles, _hashes.Length * 2)];
        var hashes = _hashes.AsSpan(0, shingles);
        if (Hash == ShingleHash.Sha1)
        {
            Sha1Multi.Hash32(utf8, starts[..shingles], ends[(NGram - 1)..], hashes);
        }
        else
        {
            for (var i = 0; i < shingles; i++) hashes[i] = (uint)System.IO.Hashing.XxHash3.HashToUInt64(utf8[starts[i]..ends[i + NGram - 1]]);
        }
        Signature(hashes, signature);
        return true;
    }

    /// <summary>The minimum of every permuted hash over <paramref name="hashes"/>.</summary>
    public void Signature(ReadOnlySpan<uint> hashes, Span<uint> signature)
    {
        if (Avx2.IsSupported && Count % 4 == 0) SignatureAvx2(hashes, signature);
        else SignatureScalar(hashes, signature);
    }

    /// <summary>The plain reference the vector path is tested against.</summary>
    public void SignatureScalar(ReadOnlySpan<uint> hashes, Span<uint> signature)
    {
        var a = _permutations.A;
        var b = _permutations.B;
        signature[..Count].Fill(uint.MaxValue);
        foreach (var h in hashes)
            for (var j = 0; j < Count; j++)
            {
                var permuted = (uint)(unchecked(h * a[j] + b[j]) % MinHashPermutations.MersennePrime);
                if (permuted < signature[j]) signature[j] = permuted;
            }
    }

    /// <summary>Four vectors of permutations (16) at a time, each pass over all the hashes: the coefficients and the
    /// running minima stay in registers, and the loop body is four independent chains the core can overlap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void SignatureAvx2(ReadOnlySpan<uint> hashes, Span<uint> signature)
    {
        var vectors = Count / 4;
        fixed (ulong* aLow = _aLow, aHigh = _aHigh, a = _permutations.A, b = _permutations.B)
        fixed (uint* h = hashes)
        {
            var j = 0;
            for (; j + 4 <= vectors; j += 4)
            {
                Vector256<ulong> a0 = Avx.LoadVector256(a + 4 * j), a1 = Avx.LoadVector256(a + 4 * j + 4),
                    a2 = Avx.LoadVector256(a + 4 * j + 8), a3 = Avx.LoadVector256(a + 4 * j + 12);
                Vector256<ulong> l0 = Avx.LoadVector256(aLow + 4 * j), l1 = Avx.LoadVector256(aLow + 4 * j + 4),
                    l2 = Avx.LoadVector256(aLow + 4 * j + 8), l3 = Avx.LoadVector256(aLow + 4 * j + 12);
                Vector256<ulong> u0 = Avx.LoadVector256(aHigh + 4 * j), u1 = Avx.LoadVector256(aHigh + 4 * j + 4),
                    u2 = Avx.LoadVector256(aHigh + 4 * j + 8), u3 = Avx.LoadVector256(aHigh + 4 * j + 12);
                Vector256<ulong> b0 = Avx.LoadVector256(b + 4 * j), b1 = Avx.LoadVector256(b + 4 * j + 4),
                    b2 = Avx.LoadVector256(b + 4 * j + 8), b3 = Avx.LoadVector256(b + 4 * j + 12);
                var m0 = Vector256.Create((ulong)uint.MaxValue);
                var m1 = m0;
                var m2 = m0;
                var m3 = m0;
                for (var i = 0; i < hashes.Length; i++)
                {
                    var h64 = Vector256.Create(h[i]).AsUInt64();
                    m0 = Min(m0, Permute(h64, a0, l0, u0, b0));
                    m1 = Min(m1, Permute(h64, a1, l1, u1, b1));
                    m2 = Min(m2, Permute(h64, a2, l2, u2, b2));
                    m3 = Min(m3, Permute(h64, a3, l3, u3, b3));
                }
                Store(m0, signature, 4 * j);
                Store(m1, signature, 4 * j + 4);
                Store(m2, signature, 4 * j + 8);
                Store(m3, signature, 4 * j + 12);
            }
            for (; j < vectors; j++)
            {
                Vector256<ulong> aj = Avx.LoadVector256(a + 4 * j), lj = Avx.LoadVector256(aLow + 4 * j),
                    uj = Avx.LoadVector256(aHigh + 4 * j), bj = Avx.LoadVector256(b + 4 * j);
                var m = Vector256.Create((ulong)uint.MaxValue);
                for (var i = 0; i < hashes.Length; i++) m = Min(m, Permute(Vector256.Create(h[i]).AsUInt64(), aj, lj, uj, bj));
                Store(m, signature, 4 * j);
            }
        }
    }

    /// <summary>(h·a + b) mod (2^61−1) for four permutations; of the result only the low 32 bits are meaningful.
    /// <paramref name="h64"/> holds h in both halves of each lane, <paramref name="aLow"/> the low half of a and
    /// <paramref name="aHigh"/> the high half of a in place (its low half zero).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Permute(Vector256<ulong> h64, Vector256<ulong> a, Vector256<ulong> aLow, Vector256<ulong> aHigh,
        Vector256<ulong> b)
    {
        Vector256<ulong> x;
        if (Avx512DQ.VL.IsSupported)
        {
            x = Avx512DQ.VL.MultiplyLow(h64 & Vector256.Create((ulong)uint.MaxValue), a) + b;
        }
        else
        {
            // h·a mod 2^64 = h·a_low + (h·a_high mod 2^32)·2^32, since AVX2 has no 64-bit multiply: the first is a
            // 32×32→64 product of the low halves; the second a 32-bit multiply of every half, which with a_high in
            // the high half and zero in the low one lands already shifted.
            var hv = h64.AsUInt32();
            x = Avx2.Multiply(hv, aLow.AsUInt32()) + Avx2.MultiplyLow(hv, aHigh.AsUInt32()).AsUInt64() + b;
        }
        // x mod (2^61−1): fold the top 3 bits down once, then subtract the prime if still above it.
        var prime = Vector256.Create(MinHashPermutations.MersennePrime);
        var folded = (x & prime) + Avx2.ShiftRightLogical(x, 61);
        // Only the low 32 bits count; Min ignores the high ones, so they are not masked off here.
        return folded - (Avx2.CompareGreaterThan(folded.AsInt64(), Vector256.Create((long)MinHashPermutations.MersennePrime - 1)).AsUInt64() & prime);
    }

    /// <summary>The minimum of the low 32 bits of each 64-bit lane, in one unsigned 32-bit min (vpminud): the high
    /// halves take arbitrary values that <see cref="Store"/> never reads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Min(Vector256<ulong> minimum, Vector256<ulong> value) =>
        Avx2.Min(minimum.AsUInt32(), value.AsUInt32()).AsUInt64();

    private static void Store(Vector256<ulong> minima, Span<uint> signature, int at)
    {
        for (var k = 0; k < 4; k++) signature[at + k] = (uint)minima.GetElement(k);
    }
}

/// <summary>How a shingle becomes the 32-bit value the permutations act on.</summary>
public enum ShingleHash
{
    /// <summary>datasketch's sha1_hash32, as RPv2: signatures compatible with RedPajama-V2's.</summary>
    Sha1,

    /// <summary>The low 32 bits of XxHash3: several times cheaper, but signatures differ from RPv2's.</summary>
    XxHash3,
}
