using System.Runtime.InteropServices;

namespace Refinery.Dedup.Pipeline;

/// <summary>One document of a hashed shard: the 128-bit key of its RPv2-normalised text, its id_int (so readers can
/// check the file lines up with the signal shard) and its length in UTF-16 units (for keep = longest).</summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
public readonly record struct TextKeyRecord(UInt128 Key, ulong IdInt, int Length);

/// <summary>A shard's text keys as stored: the records, little-endian, nothing else (the catalog holds the checksum).</summary>
public static class TextKeyFile
{
    public static readonly int RecordSize = Marshal.SizeOf<TextKeyRecord>();

    public static MemoryStream Write(List<TextKeyRecord> records) =>
        new(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(records)).ToArray());

    public static TextKeyRecord[] Read(MemoryStream bytes, string key)
    {
        if (bytes.Length % RecordSize != 0)
            throw new InvalidDataException($"{key}: {bytes.Length} bytes is not a whole number of {RecordSize}-byte records");
        return MemoryMarshal.Cast<byte, TextKeyRecord>(bytes.GetBuffer().AsSpan(0, (int)bytes.Length)).ToArray();
    }
}
