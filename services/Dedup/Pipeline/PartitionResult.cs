using System.Runtime.InteropServices;

namespace Refinery.Dedup.Pipeline;

/// <summary>What one partition of a job found, as global document numbers: edges (document → its component's
/// representative) from LSH buckets and from equal text keys, documents whose key a corpus deduplicated before had
/// (with that document's id_int), and copies a Bloom filter saw before. Stored as little-endian int32 counts each
/// followed by its array.</summary>
public sealed class PartitionResult
{
    public List<int> Edges { get; } = [];
    public List<int> EarlierDocuments { get; } = [];
    public List<ulong> EarlierIdInts { get; } = [];
    public List<int> Copies { get; } = [];

    public byte[] ToBytes()
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer))
        {
            Write(writer, Edges);
            Write(writer, EarlierDocuments);
            writer.Write(EarlierIdInts.Count);
            writer.Write(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(EarlierIdInts)));
            Write(writer, Copies);
        }
        return buffer.ToArray();
    }

    /// <summary>Reads a result, checking every count against the bytes left and every document against
    /// <paramref name="documents"/>.</summary>
    public static PartitionResult Parse(ReadOnlySpan<byte> bytes, int documents, string key)
    {
        var result = new PartitionResult();
        var at = 0;
        ReadInts(bytes, ref at, result.Edges, documents, key);
        if (result.Edges.Count % 2 != 0) throw new InvalidDataException($"{key}: an odd number of edge ends");
        ReadInts(bytes, ref at, result.EarlierDocuments, documents, key);
        var idInts = Count(bytes, ref at, 8, key);
        result.EarlierIdInts.AddRange(MemoryMarshal.Cast<byte, ulong>(bytes.Slice(at, 8 * idInts)));
        at += 8 * idInts;
        if (idInts != result.EarlierDocuments.Count) throw new InvalidDataException($"{key}: {idInts} earlier id_ints for {result.EarlierDocuments.Count} documents");
        ReadInts(bytes, ref at, result.Copies, documents, key);
        if (at != bytes.Length) throw new InvalidDataException($"{key}: {bytes.Length - at} bytes after the last section");
        return result;
    }

    private static void Write(BinaryWriter writer, List<int> values)
    {
        writer.Write(values.Count);
        writer.Write(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(values)));
    }

    private static int Count(ReadOnlySpan<byte> bytes, ref int at, int size, string key)
    {
        if (at + 4 > bytes.Length) throw new InvalidDataException($"{key}: truncated at byte {at}");
        var count = BitConverter.ToInt32(bytes.Slice(at, 4));
        at += 4;
        if (count < 0 || (long)count * size > bytes.Length - at) throw new InvalidDataException($"{key}: a count of {count} at byte {at - 4} runs past the end");
        return count;
    }

    private static void ReadInts(ReadOnlySpan<byte> bytes, ref int at, List<int> into, int documents, string key)
    {
        var count = Count(bytes, ref at, 4, key);
        foreach (var document in MemoryMarshal.Cast<byte, int>(bytes.Slice(at, 4 * count)))
        {
            if ((uint)document >= documents) throw new InvalidDataException($"{key}: document {document} beyond the job's {documents}");
            into.Add(document);
        }
        at += 4 * count;
    }
}
