using System.Text.Json;
using Refinery.Text.MinHash;
using Refinery.TestSupport;

namespace Refinery.Text.Tests.MinHash;

public sealed class MinHashTests
{
    [Fact]
    public void Permutations_Seed42_EqualTheSpecification()
    {
        using var spec = JsonDocument.Parse(File.ReadAllText(System.IO.Path.Combine(SharedData.Path(), "..", "specs", "minhash_permutations.json")));
        var a = spec.RootElement.GetProperty("a").EnumerateArray().Select(e => e.GetUInt64()).ToArray();
        var b = spec.RootElement.GetProperty("b").EnumerateArray().Select(e => e.GetUInt64()).ToArray();
        Assert.Equal(a, MinHashPermutations.RpV2.A);
        Assert.Equal(b, MinHashPermutations.RpV2.B);
        Assert.Equal(2297359619001564596UL, MinHashPermutations.RpV2.A[0]);
        Assert.Equal(1396682528897996046UL, MinHashPermutations.RpV2.B[0]);
    }

    [Fact]
    public void Permutations_Checksum_IsRpv2s() =>
        Assert.Equal(MinHashPermutations.RpV2Checksum, MinHashPermutations.RpV2.Checksum());

    [Fact]
    public void Signature_Avx2_EqualsScalar_OnRandomHashes()
    {
        var random = new Random(4);
        var hasher = new MinHasher(MinHashPermutations.Create(128, 42), 13);
        for (var round = 0; round < 50; round++)
        {
            var hashes = Enumerable.Range(0, random.Next(1, 600)).Select(_ => (uint)random.NextInt64(0, 1L << 32)).ToArray();
            var fast = new uint[128];
            var scalar = new uint[128];
            hasher.Signature(hashes, fast);
            hasher.SignatureScalar(hashes, scalar);
            Assert.Equal(scalar, fast);
        }
    }

    [Fact]
    public void Signature_FewerWordsThanTheNGram_IsNotComputed()
    {
        var hasher = new MinHasher(MinHashPermutations.RpV2, 13);
        var text = "one two three"u8.ToArray();
        Assert.False(hasher.TryCompute(text, [0, 4, 8], [3, 7, 13], new uint[128]));
    }

    [Fact]
    public void Bands_AreBigEndianSlicesOfTheSignature()
    {
        var signature = Enumerable.Range(0, 128).Select(i => (uint)(i * 0x01010101)).ToArray();
        var band = MinHashBands.Band(signature, 1, 9);
        Assert.Equal(36, band.Length);
        Assert.Equal(new byte[] { 9, 9, 9, 9, 10, 10, 10, 10 }, band[..8]);
        Assert.Equal([128, 125, 117, 126], MinHashBands.RpV2.Select(l => l.Bands * l.Rows));
        Assert.Equal("signature_sim0.8", MinHashBands.RpV2[2].ColumnName);
    }

    [Fact]
    public void XxHash3Mode_IsTheMinimumOverXxHash3OfEachShingle()
    {
        var text = System.Text.Encoding.UTF8.GetBytes(string.Join(' ', Enumerable.Range(0, 40).Select(i => $"w{i % 17}")));
        var starts = new List<int>();
        var ends = new List<int>();
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] != (byte)' ') continue;
            starts.Add(ends.Count == 0 ? 0 : ends[^1] + 1);
            ends.Add(i);
        }
        var hasher = new MinHasher(MinHashPermutations.RpV2, 13, ShingleHash.XxHash3);
        var signature = new uint[128];

        Assert.True(hasher.TryCompute(text, starts.ToArray(), ends.ToArray(), signature));

        var hashes = Enumerable.Range(0, starts.Count - 12)
            .Select(i => (uint)System.IO.Hashing.XxHash3.HashToUInt64(text.AsSpan(starts[i], ends[i + 12] - starts[i]))).ToArray();
        var expected = new uint[128];
        hasher.SignatureScalar(hashes, expected);
        Assert.Equal(expected, signature);
    }
}
