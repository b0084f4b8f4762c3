using System.Runtime.InteropServices;

namespace Refinery.Text.Dedup;

/// <summary>One key of an exact index of earlier corpora: the 128-bit exact key, the id_int of the document that first
/// had it, and a tag of the input it came from (so a rerun of the same input does not find its own keys). The one
/// record layout of both the offline index (`refinery dedup --index`, files) and the Dedup service's index (objects).</summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
public readonly record struct ExactIndexEntry(UInt128 Key, ulong IdInt, ulong Source)
{
    /// <summary>An index is split by the key's first byte into this many partitions.</summary>
    public const int Partitions = 256;

    public static readonly int Size = Marshal.SizeOf<ExactIndexEntry>();

    public static int PartitionOf(UInt128 key) => (int)(key >> 120);

    /// <summary>A partition's bytes as entries; <paramref name="name"/> names the file or object in the error.</summary>
    public static ExactIndexEntry[] Parse(ReadOnlySpan<byte> bytes, string name) =>
        bytes.Length % Size == 0
            ? MemoryMarshal.Cast<byte, ExactIndexEntry>(bytes).ToArray()
            : throw new InvalidDataException($"{name}: {bytes.Length} bytes is not a whole number of {Size}-byte index entries");

    /// <summary>The bytes of a partition: the old entries, then the fresh ones (a partition only grows).</summary>
    public static byte[] ToBytes(ReadOnlySpan<ExactIndexEntry> old, ReadOnlySpan<ExactIndexEntry> fresh)
    {
        var bytes = new byte[(old.Length + fresh.Length) * Size];
        MemoryMarshal.AsBytes(old).CopyTo(bytes);
        MemoryMarshal.AsBytes(fresh).CopyTo(bytes.AsSpan(old.Length * Size));
        return bytes;
    }
}
