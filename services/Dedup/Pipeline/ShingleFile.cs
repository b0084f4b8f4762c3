using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Refinery.Text.Dedup;

namespace Refinery.Dedup.Pipeline;

/// <summary>A shard's shingle sets as stored, in shard order: per document a little-endian int32 count, then that
/// many sorted uint64 shingle hashes.</summary>
public static class ShingleFile
{
    public static MemoryStream Write(IEnumerable<ShingleSet> sets)
    {
        var buffer = new MemoryStream();
        Span<byte> count = stackalloc byte[4];
        foreach (var set in sets)
        {
            BinaryPrimitives.WriteInt32LittleEndian(count, set.Count);
            buffer.Write(count);
            buffer.Write(MemoryMarshal.AsBytes(set.Hashes));
        }
        buffer.Position = 0;
        return buffer;
    }

    /// <summary>The sets of the documents <paramref name="wanted"/> selects (by their number in the file plus
    /// <paramref name="first"/>), checking that the file holds exactly <paramref name="documents"/> sets.</summary>
    public static void Read(ReadOnlySpan<byte> bytes, int first, int documents, Func<int, bool> wanted, Dictionary<int, ShingleSet> into, string key)
    {
        var at = 0;
        for (var d = 0; d < documents; d++)
        {
            if (at + 4 > bytes.Length) throw new InvalidDataException($"{key}: ends after {d} of {documents} documents");
            var count = BinaryPrimitives.ReadInt32LittleEndian(bytes[at..]);
            at += 4;
            if (count < 0 || (long)count * 8 > bytes.Length - at) throw new InvalidDataException($"{key}: document {d} claims {count} shingles past the end");
            if (wanted(first + d)) into[first + d] = ShingleSet.FromSorted(MemoryMarshal.Cast<byte, ulong>(bytes.Slice(at, 8 * count)).ToArray());
            at += 8 * count;
        }
        if (at != bytes.Length) throw new InvalidDataException($"{key}: {bytes.Length - at} bytes after the last of {documents} documents");
    }
}
