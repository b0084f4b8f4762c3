using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Refinery.Text.Dedup;

/// <summary>One document's entry in one LSH band: the band, the 128-bit XxHash of the band's rows, and the document.
/// Documents sharing (band, key) are candidate duplicates. RPv2 groups by the band bytes themselves; the two agree
/// unless two different bands collide in 128 bits.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
public readonly record struct BandRecord(UInt128 Key, int Band, int Document) : IComparable<BandRecord>
{
    public const int Size = 24;

    /// <summary>The records of <paramref name="signature"/> (at least bands × rows values) for <paramref name="document"/>.</summary>
    public static void Create(int document, ReadOnlySpan<uint> signature, int bands, int rows, Span<BandRecord> records)
    {
        if (signature.Length < bands * rows)
            throw new ArgumentException($"a signature of {signature.Length} values is shorter than {bands} bands × {rows} rows", nameof(signature));
        for (var b = 0; b < bands; b++)
            records[b] = new BandRecord(XxHash128.HashToUInt128(MemoryMarshal.AsBytes(signature.Slice(b * rows, rows))), b, document);
    }

    /// <summary>By band, then key, then document: a bucket's members end up together, in document order.</summary>
    public int CompareTo(BandRecord other)
    {
        var c = Band.CompareTo(other.Band);
        if (c != 0) return c;
        c = Key.CompareTo(other.Key);
        return c != 0 ? c : Document.CompareTo(other.Document);
    }
}
