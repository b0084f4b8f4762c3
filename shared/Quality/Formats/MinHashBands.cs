using System.Buffers.Binary;

namespace Refinery.Quality.Formats;

/// <summary>One MinHash LSH setting as RPv2 stores it: the column name and how many bands of how many rows.</summary>
public sealed record BandLayout(string Column, double Threshold, int Bands, int Rows)
{
    /// <summary>Bytes in one band: <see cref="Rows"/> uint32 values.</summary>
    public int BandBytes => Rows * sizeof(uint);
}

/// <summary>RPv2's banded MinHash signatures (specs/RPV2_DEDUP.md §2): band i of a setting is
/// sig[i·r .. (i+1)·r) written as big-endian uint32s and concatenated. Shared by every writer of signatures
/// (Parquet here, the RPv2 JSON export) so the layout lives in one place.</summary>
public static class MinHashBands
{
    /// <summary>Permutations in a signature.</summary>
    public const int SignatureLength = 128;

    /// <summary>RPv2's optimal_param results for 128 permutations, in its column order (1.0, 0.9, 0.8, 0.7).
    /// Only bands·rows of the 128 values are used by each setting.</summary>
    public static readonly IReadOnlyList<BandLayout> Layouts =
    [
        new("signature_sim1.0", 1.0, 1, 128),
        new("signature_sim0.9", 0.9, 5, 25),
        new("signature_sim0.8", 0.8, 9, 13),
        new("signature_sim0.7", 0.7, 14, 9),
    ];

    /// <summary>The bands of <paramref name="signature"/> for one setting, each a fresh array.</summary>
    public static byte[][] Split(ReadOnlySpan<uint> signature, BandLayout layout)
    {
        if (signature.Length != SignatureLength)
            throw new ArgumentException($"A signature has {SignatureLength} values, not {signature.Length}", nameof(signature));
        var bands = new byte[layout.Bands][];
        for (var b = 0; b < layout.Bands; b++)
        {
            var band = bands[b] = new byte[layout.BandBytes];
            var values = signature.Slice(b * layout.Rows, layout.Rows);
            for (var r = 0; r < values.Length; r++)
                BinaryPrimitives.WriteUInt32BigEndian(band.AsSpan(r * sizeof(uint)), values[r]);
        }
        return bands;
    }

    /// <summary>The whole signature back from the single band of the 1.0 setting, which holds all 128 values.</summary>
    public static uint[] FromFullBand(ReadOnlySpan<byte> band)
    {
        if (band.Length != SignatureLength * sizeof(uint))
            throw new ArgumentException($"The full band has {SignatureLength * sizeof(uint)} bytes, not {band.Length}", nameof(band));
        var signature = new uint[SignatureLength];
        for (var i = 0; i < signature.Length; i++)
            signature[i] = BinaryPrimitives.ReadUInt32BigEndian(band.Slice(i * sizeof(uint)));
        return signature;
    }
}
