using System.Runtime.InteropServices;

namespace Refinery.Text.Dedup;

/// <summary>Band records spilled to local files, partitioned by key, so that LSH over any number of documents needs
/// memory for one partition at a time rather than for every bucket at once. A bucket's records share a key, so each
/// lands whole in one partition, which can be linked on its own. The folder is deleted on dispose.</summary>
public sealed class SpilledBandPartitions : IDisposable
{
    private const int BufferRecords = 4096;
    private readonly string _folder;
    private readonly FileStream[] _files;
    private readonly BandRecord[][] _buffers;
    private readonly int[] _buffered;

    public SpilledBandPartitions(string parentFolder, int partitions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        _folder = Path.Combine(parentFolder, $"refinery-lsh-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_folder);
        _files = new FileStream[partitions];
        _buffers = new BandRecord[partitions][];
        _buffered = new int[partitions];
        for (var p = 0; p < partitions; p++)
        {
            _files[p] = new FileStream(Path.Combine(_folder, $"{p:D5}.bands"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16);
            _buffers[p] = new BandRecord[BufferRecords];
        }
    }

    public int Partitions => _files.Length;
    public long Records { get; private set; }

    public int PartitionOf(UInt128 key) => BandRecord.PartitionOf(key, _files.Length);

    public void Add(ReadOnlySpan<BandRecord> records)
    {
        foreach (var record in records)
        {
            var p = PartitionOf(record.Key);
            _buffers[p][_buffered[p]++] = record;
            if (_buffered[p] == BufferRecords) Flush(p);
        }
        Records += records.Length;
    }

    /// <summary>Loads each partition in turn (the array is reused, and valid only during the callback).</summary>
    public void ForEachPartition(Action<Memory<BandRecord>> partition)
    {
        var records = Array.Empty<BandRecord>();
        for (var p = 0; p < _files.Length; p++)
        {
            Flush(p);
            var file = _files[p];
            var count = (int)(file.Length / BandRecord.Size);
            if (records.Length < count) records = new BandRecord[Math.Max(count, records.Length * 2)];
            file.Position = 0;
            file.ReadExactly(MemoryMarshal.AsBytes(records.AsSpan(0, count)));
            partition(records.AsMemory(0, count));
        }
    }

    private void Flush(int p)
    {
        if (_buffered[p] == 0) return;
        _files[p].Seek(0, SeekOrigin.End);
        _files[p].Write(MemoryMarshal.AsBytes(_buffers[p].AsSpan(0, _buffered[p])));
        _buffered[p] = 0;
    }

    public void Dispose()
    {
        foreach (var file in _files) file.Dispose();
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { }
    }
}
