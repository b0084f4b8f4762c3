using System.Runtime.InteropServices;
using Refinery.Contracts;
using Refinery.Contracts.Dedup;
using Refinery.Dedup.Domain;
using Refinery.Hosting.Bus;
using Refinery.Storage;

namespace Refinery.Dedup.Pipeline;

/// <summary>One key of the persistent exact index: the normalised-text key, the id_int of the document that first had
/// it, and the corpus it came from (so a corpus deduplicated again does not find its own keys as earlier copies).</summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
public readonly record struct IndexEntry(UInt128 Key, ulong IdInt, ulong Source);

/// <summary>The exact index every corpus is deduplicated against, in the object store: 256 partitions by the key's
/// first byte, each an append-only array of <see cref="IndexEntry"/> whose current version the catalog records. A job
/// partition reads the index partitions it owns, looks its keys up, and writes new versions with its fresh keys;
/// the catalog's compare-and-swap decides between two writers.</summary>
public sealed class StoredExactIndex(IObjectStore store)
{
    public const int Partitions = 256;
    private static readonly int EntrySize = Marshal.SizeOf<IndexEntry>();

    public static int PartitionOf(UInt128 key) => (int)(key >> 120);

    /// <summary>The job partition that owns an index partition.</summary>
    public static int OwnerOf(int indexPartition, int jobPartitions) => indexPartition % jobPartitions;

    public static ulong SourceOf(Guid corpusId) => MemoryMarshal.Read<ulong>(corpusId.ToByteArray());

    public async Task<IndexEntry[]> LoadAsync(ExactIndexPartition? current, CancellationToken ct)
    {
        if (current is null) return [];
        using var bytes = await store.ReadVerifiedAsync(new ObjectRef { Bucket = store.Bucket, Key = current.Key, Sha256 = current.Sha256, Length = current.Length }, ct);
        if (bytes.Length != current.Keys * EntrySize)
            throw new InvalidDataException($"{current.Key}: {bytes.Length} bytes for {current.Keys} keys of {EntrySize} bytes");
        return MemoryMarshal.Cast<byte, IndexEntry>(bytes.GetBuffer().AsSpan(0, (int)bytes.Length)).ToArray();
    }

    /// <summary>Writes the next version of a partition (the old entries, then the fresh ones) under a key of its own.</summary>
    public async Task<ExactIndexPartition> WriteAsync(string kind, int partition, ExactIndexPartition? current, IndexEntry[] old, List<IndexEntry> fresh,
        CancellationToken ct)
    {
        var bytes = new byte[(old.Length + fresh.Count) * EntrySize];
        MemoryMarshal.AsBytes(old.AsSpan()).CopyTo(bytes);
        MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(fresh)).CopyTo(bytes.AsSpan(old.Length * EntrySize));
        var version = (current?.Version ?? 0) + 1;
        var stored = await store.PutAsync(DedupKeys.IndexPartition(kind, partition, version), new MemoryStream(bytes), ct);
        return new ExactIndexPartition
        {
            Kind = kind, Partition = partition, Version = version, Key = stored.Key, Sha256 = stored.Sha256, Length = stored.Length,
            Keys = old.Length + fresh.Count,
        };
    }
}
