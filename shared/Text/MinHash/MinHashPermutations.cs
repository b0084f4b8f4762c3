using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Refinery.Text.MinHash;

/// <summary>The (a, b) parameters of the permuted hashes φ_j(h) = ((h·a_j + b_j) mod 2^64) mod (2^61−1) mod 2^32,
/// drawn as datasketch draws them: numpy RandomState(seed), a_j in [1, 2^61−1), b_j in [0, 2^61−1), interleaved.</summary>
public sealed class MinHashPermutations
{
    public const ulong MersennePrime = (1UL << 61) - 1;
    public const int RpV2Seed = 42, RpV2Count = 128;

    /// <summary>sha256 of a_0..a_n ‖ b_0..b_n as little-endian uint64 for seed 42 and 128 permutations (RPV2_DEDUP.md §2).</summary>
    public const string RpV2Checksum = "6a5665743fa1884640a8eb3543348255a90b4dbd55b093f39e3d61ac90eac9e1";

    public static readonly MinHashPermutations RpV2 = Create(RpV2Count, RpV2Seed);

    private MinHashPermutations(ulong[] a, ulong[] b, int seed)
    {
        A = a;
        B = b;
        Seed = seed;
    }

    public ulong[] A { get; }
    public ulong[] B { get; }
    public int Seed { get; }
    public int Count => A.Length;

    public static MinHashPermutations Create(int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var random = new Mt19937((uint)seed);
        var a = new ulong[count];
        var b = new ulong[count];
        for (var j = 0; j < count; j++)
        {
            a[j] = random.NextInRange(1, MersennePrime);
            b[j] = random.NextInRange(0, MersennePrime);
        }
        return new MinHashPermutations(a, b, seed);
    }

    /// <summary>Hex sha256 over every a then every b as little-endian uint64, as RPv2's MinHash.checksum.</summary>
    public string Checksum()
    {
        var bytes = new byte[16 * Count];
        for (var j = 0; j < Count; j++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(8 * j), A[j]);
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(8 * (Count + j)), B[j]);
        }
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }
}
