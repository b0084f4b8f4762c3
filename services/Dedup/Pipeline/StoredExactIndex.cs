using System.Runtime.InteropServices;
using Refinery.Contracts;
using Refinery.Contracts.Dedup;
using Refinery.Dedup.Domain;
using Refinery.Hosting.Bus;
using Refinery.Storage;
using Refinery.Text.Dedup;

namespace Refinery.Dedup.Pipeline;

/// <summary>The exact index every corpus is deduplicated against, in the object store: 256 partitions by the key's
/// first byte, each an append-only array of <see cref="ExactIndexEntry"/> (the offline index's layout; the source is the corpus) whose current version the catalog records. A job
/// partition reads the index partitions it owns, looks its keys up, and writes new versions with its fresh keys;
/// the catalog's compare-and-swap decides between two writers.</summary>
public sealed class StoredExactIndex(IObjectStore store)
{
    public const int Partitions = ExactIndexEntry.Partitions;

    public static int PartitionOf(UInt128 key) => ExactIndexEntry.PartitionOf(key);

    /// <summary>The job partition that owns an index partition.</summary>
    public static int OwnerOf(int indexPartition, int jobPartitions) => indexPartition % jobPartitions;

    public static ulong SourceOf(Guid corpusId) => MemoryMarshal.Read<ulong>(corpusId.ToByteArray());

    public async Task<ExactIndexEntry[]> LoadAsync(ExactIndexPartition? current, CancellationToken ct)
    {
        if (current is null) return [];
        using var bytes = await store.ReadVerifiedAsync(new ObjectRef { Bucket = store.Bucket, Key = current.Key, Sha256 = current.Sha256, Length = current.Length }, ct);
        var entries = ExactIndexEntry.Parse(bytes.GetBuffer().AsSpan(0, (int)bytes.Length), current.Key);
        return entries.Length == current.Keys
            ? entries
            : throw new InvalidDataException($"{current.Key}: {entries.Length} keys where the catalog records {current.Keys}");
    }

    /// <summary>Writes the next version of a partition (the old entries, then the fresh ones) under a key of its own.</summary>
    public async Task<ExactIndexPartition> WriteAsync(string kind, int partition, ExactIndexPartition? current, ExactIndexEntry[] old, List<ExactIndexEntry> fresh,
        CancellationToken ct)
    {
        var bytes = ExactIndexEntry.ToBytes(old, CollectionsMarshal.AsSpan(fresh));
        var version = (current?.Version ?? 0) + 1;
        var stored = await store.PutAsync(DedupKeys.IndexPartition(kind, partition, version), new MemoryStream(bytes), ct);
        return new ExactIndexPartition
        {
            Kind = kind, Partition = partition, Version = version, Key = stored.Key, Sha256 = stored.Sha256, Length = stored.Length,
            Keys = old.Length + fresh.Count,
        };
    }
}
