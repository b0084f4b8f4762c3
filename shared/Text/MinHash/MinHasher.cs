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

    public MinHasher(MinHashPermutations permutations, int ngram)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ngram, 1);
        _permutations = permutations;
        NGram = ngram;
        _aLow = permutations.A.Select(a => a & 0xFFFF_FFFF).ToArray();
        _aHigh = permutations.A.Select(a => a >> 32).ToArray();
    }

    public int NGram { get; }
    public int Count => _permutations.Count;

    /// <summary>Computes the signature of the words whose UTF-8 byte ranges in <paramref name="utf8"/> are
    /// [starts[i], ends[i]), consecutive words being separated by exactly one space. Returns false (and leaves
    /// <paramref name="signature"/> untouched) when there are fewer words than the n-gram size.</summary>
    public bool TryCompute(ReadOnlySpan<byte> utf8, ReadOnlySpan<int> starts, ReadOnlySpan<int> ends, Span<uint> signature)
    {
        var shingles = starts.Length - NGram + 1;
        if (shingles <= 0) return false;
        if (_hashes.Length < shingles) _hashes = new uint[Math.Max(shingles, _hashes.Length * 2)];
        Sha1Multi.Hash32(utf8, starts[..shingles], ends[(NGram - 1)..], _hashes.AsSpan(0, shingles));
        Signature(_hashes.AsSpan(0, shingles), signature);
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

    private unsafe void SignatureAvx2(ReadOnlySpan<uint> hashes, Span<uint> signature)
    {
        var lanes = Count / 4;
        var minima = stackalloc Vector256<ulong>[lanes];
        for (var j = 0; j < lanes; j++) minima[j] = Vector256.Create((ulong)uint.MaxValue);
        var prime = Vector256.Create(MinHashPermutations.MersennePrime);
        var primeMinusOne = Vector256.Create((long)MinHashPermutations.MersennePrime - 1);
        fixed (ulong* aLow = _aLow, aHigh = _aHigh, a = _permutations.A, b = _permutations.B)
        {
            foreach (var h in hashes)
            {
                var h64 = Vector256.Create((ulong)h);
                var hv = h64.AsUInt32();
                for (var j = 0; j < lanes; j++)
                {
                    Vector256<ulong> x;
                    if (Avx512DQ.VL.IsSupported)
                    {
                        x = Avx512DQ.VL.MultiplyLow(h64, Avx2.LoadVector256(a + 4 * j)) + Avx2.LoadVector256(b + 4 * j);
                    }
                    else
                    {
                        // h·a mod 2^64 from two 32×32→64 products, since AVX2 has no 64-bit multiply.
                        var low = Avx2.Multiply(hv, Avx2.LoadVector256(aLow + 4 * j).AsUInt32());
                        var high = Avx2.Multiply(hv, Avx2.LoadVector256(aHigh + 4 * j).AsUInt32());
                        x = low + Avx2.ShiftLeftLogical(high, 32) + Avx2.LoadVector256(b + 4 * j);
                    }
                    // x mod (2^61−1): fold the top 3 bits down once, then subtract the prime if still above it.
                    var folded = (x & prime) + Avx2.ShiftRightLogical(x, 61);
                    var reduced = folded - (Avx2.CompareGreaterThan(folded.AsInt64(), primeMinusOne).AsUInt64() & prime);
                    var permuted = reduced & Vector256.Create((ulong)uint.MaxValue);
                    var smaller = Avx2.CompareGreaterThan(minima[j].AsInt64(), permuted.AsInt64()).AsUInt64();
                    minima[j] = Avx2.BlendVariable(minima[j], permuted, smaller);
                }
            }
        }
        for (var j = 0; j < lanes; j++)
            for (var k = 0; k < 4; k++)
                signature[4 * j + k] = (uint)minima[j].GetElement(k);
    }
}
