using System.Buffers.Binary;

namespace Refinery.Text.MinHash;

/// <summary>RPv2's LSH banding of a 128-value signature: bands × rows per similarity threshold (datasketch's
/// optimal_param with equal false-positive and false-negative weights), each band written as its values in
/// big-endian uint32 order, concatenated.</summary>
public static class MinHashBands
{
    /// <summary>The RPv2 layout for 128 permutations, in RPv2's column order (1.0, 0.9, 0.8, 0.7).</summary>
    public static readonly IReadOnlyList<BandLayout> RpV2 =
    [
        new(1.0, 1, 128),
        new(0.9, 5, 25),
        new(0.8, 9, 13),
        new(0.7, 14, 9),
    ];

    /// <summary>RPv2's layout for one of its thresholds (0.7, 0.8, 0.9, 1.0), or null for any other.</summary>
    public static BandLayout? RpV2For(double threshold) => RpV2.SingleOrDefault(l => l.Threshold == threshold);

    /// <summary>The bytes of band <paramref name="band"/>: rows·4 bytes, each value big-endian.</summary>
    public static byte[] Band(ReadOnlySpan<uint> signature, int band, int rows)
    {
        var bytes = new byte[rows * 4];
        WriteBand(signature, band, rows, bytes);
        return bytes;
    }

    /// <summary>Writes band <paramref name="band"/> into <paramref name="destination"/> (rows·4 bytes), for writers
    /// that keep bands in buffers of their own.</summary>
    public static void WriteBand(ReadOnlySpan<uint> signature, int band, int rows, Span<byte> destination)
    {
        var values = signature.Slice(band * rows, rows);
        for (var i = 0; i < rows; i++) BinaryPrimitives.WriteUInt32BigEndian(destination[(4 * i)..], values[i]);
    }

    public static byte[][] Bands(ReadOnlySpan<uint> signature, BandLayout layout)
    {
        var bands = new byte[layout.Bands][];
        for (var b = 0; b < layout.Bands; b++) bands[b] = Band(signature, b, layout.Rows);
        return bands;
    }
}

/// <summary>One LSH setting: a similarity threshold and the bands × rows that approximate it.</summary>
public sealed record BandLayout(double Threshold, int Bands, int Rows)
{
    /// <summary>RPv2's column name, e.g. "signature_sim0.8".</summary>
    public string ColumnName => "signature_sim" + Threshold.ToString("0.0#", System.Globalization.CultureInfo.InvariantCulture);
}
