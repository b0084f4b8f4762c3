using System.Runtime.InteropServices;

namespace Refinery.Text.Dedup;

/// <summary>A persistent set of normalised-text keys from earlier corpora, each with the id_int of the document that
/// first had it and a tag of the input it came from, so a new corpus can be deduplicated against everything before it
/// (keep-first across corpora) while a rerun of the same input does not find itself. Keys
/// are partitioned by their first byte into 256 files; a lookup loads one partition at a time, so memory is bounded by
/// the largest partition, and each partition is rewritten atomically (temp file, then rename) when keys are added.</summary>
public sealed class ExactIndex
{
    public const int Partitions = ExactIndexEntry.Partitions;

    private readonly string _folder;

    public ExactIndex(string folder)
    {
        _folder = folder;
        Directory.CreateDirectory(folder);
    }

    public static int PartitionOf(UInt128 key) => ExactIndexEntry.PartitionOf(key);

    /// <summary>For each key, the id_int of the document that had it first, if that was in an input other than
    /// <paramref name="source"/>; otherwise null.</summary>
    public ulong?[] Lookup(IReadOnlyList<UInt128> keys, ulong source)
    {
        var found = new ulong?[keys.Count];
        foreach (var group in Enumerable.Range(0, keys.Count).GroupBy(i => PartitionOf(keys[i])))
        {
            var partition = Load(group.Key);
            foreach (var i in group)
                if (partition.TryGetValue(keys[i], out var first) && first.Source != source) found[i] = first.IdInt;
        }
        return found;
    }

    /// <summary>Adds the keys not yet present, tagged with <paramref name="source"/> (the first document of each
    /// wins); returns how many were new.</summary>
    public long Add(IReadOnlyList<(UInt128 Key, ulong IdInt)> entries, ulong source)
    {
        long added = 0;
        foreach (var group in entries.GroupBy(e => PartitionOf(e.Key)))
        {
            var existing = Load(group.Key);
            var fresh = new List<ExactIndexEntry>();
            foreach (var (key, idInt) in group)
                if (existing.TryAdd(key, (idInt, source))) fresh.Add(new ExactIndexEntry(key, idInt, source));
            if (fresh.Count == 0) continue;
            var path = PathOf(group.Key);
            var partial = $"{path}.partial-{Guid.NewGuid():N}";
            using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write))
            {
                if (File.Exists(path))
                    using (var old = File.OpenRead(path)) old.CopyTo(file);
                file.Write(ExactIndexEntry.ToBytes([], CollectionsMarshal.AsSpan(fresh)));
                file.Flush(flushToDisk: true);
            }
            File.Move(partial, path, overwrite: true);
            added += fresh.Count;
        }
        return added;
    }

    /// <summary>Keys in the index (reads every partition's length only).</summary>
    public long Count => Enumerable.Range(0, Partitions).Select(PathOf).Where(File.Exists).Sum(p => new FileInfo(p).Length / ExactIndexEntry.Size);

    private Dictionary<UInt128, (ulong IdInt, ulong Source)> Load(int partition)
    {
        var path = PathOf(partition);
        var map = new Dictionary<UInt128, (ulong, ulong)>();
        if (!File.Exists(path)) return map;
        foreach (var entry in ExactIndexEntry.Parse(File.ReadAllBytes(path), path)) map.TryAdd(entry.Key, (entry.IdInt, entry.Source));
        return map;
    }

    private string PathOf(int partition) => Path.Combine(_folder, $"{partition:x2}.keys");
}
