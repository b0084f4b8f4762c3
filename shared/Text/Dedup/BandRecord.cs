using System.IO.Hashing;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Refinery.Text.Dedup;

/// <summary>One document's entry in one LSH band: the band, the 128-bit XxHash of the band's bytes as RPv2 writes them
/// (the rows as big-endian uint32s), and the document. Documents sharing (band, key) are candidate duplicates. RPv2
/// groups by the band bytes themselves; the two agree unless two different bands collide in 128 bits. Because the key
/// is taken over RPv2's band bytes, records made from signatures and from stored band columns (Refinery's or RPv2's
/// published minhash files) are the same.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
public readonly record struct BandRecord(UInt128 Key, int Band, int Document) : IComparable<BandRecord>
{
    public const int Size = 24;

    /// <summary>The records of <paramref name="signature"/> (at least bands × rows values) for <paramref name="document"/>.</summary>
    public static void Create(int document, ReadOnlySpan<uint> signature, int bands, int rows, Span<BandRecord> records)
    {
        if (signature.Length < bands * rows)
            throw new ArgumentException($"a signature of {signature.Length} values is shorter than {bands} bands × {rows} rows", nameof(signature));
        Span<byte> bytes = rows <= 256 ? stackalloc byte[4 * rows] : new byte[4 * rows];
        for (var b = 0; b < bands; b++)
        {
            var values = signature.Slice(b * rows, rows);
            for (var r = 0; r < rows; r++) BinaryPrimitives.WriteUInt32BigEndian(bytes[(4 * r)..], values[r]);
            records[b] = FromBandBytes(document, b, bytes);
        }
    }

    /// <summary>The record of one band given as RPv2's band bytes (as in a <c>signature_sim{t}</c> column).</summary>
    public static BandRecord FromBandBytes(int document, int band, ReadOnlySpan<byte> bandBytes) =>
        new(XxHash128.HashToUInt128(bandBytes), band, document);

    /// <summary>The partition of a bucket key among <paramref name="partitions"/>: from its top bits, which XxHash128
    /// spreads evenly. A bucket lies whole in one partition, so partitions can be linked independently.</summary>
    public static int PartitionOf(UInt128 key, int partitions) => (int)((ulong)(key >> 64) % (ulong)partitions);

    /// <summary>By band, then key, then document: a bucket's members end up together, in document order.</summary>
    public int CompareTo(BandRecord other)
    {
        var c = Band.CompareTo(other.Band);
        if (c != 0) return c;
        c = Key.CompareTo(other.Key);
        return c != 0 ? c : Document.CompareTo(other.Document);
    }
}
