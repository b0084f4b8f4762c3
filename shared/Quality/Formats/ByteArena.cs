namespace Refinery.Quality.Formats;

/// <summary>Hands out slices of large byte chunks for values that live until the next <see cref="Reset"/> (one row
/// group's MinHash bands): a few long-lived chunks instead of dozens of small arrays per document for the collector
/// to promote. Chunks are kept and reused after a reset.</summary>
internal sealed class ByteArena
{
    private const int ChunkBytes = 1 << 20;
    private readonly List<byte[]> _chunks = [];
    private int _chunk = -1;
    private int _used = ChunkBytes;

    public Memory<byte> Allocate(int length)
    {
        if (length > ChunkBytes) return new byte[length];
        if (_used + length > ChunkBytes)
        {
            _chunk++;
            if (_chunk == _chunks.Count) _chunks.Add(new byte[ChunkBytes]);
            _used = 0;
        }
        var slice = _chunks[_chunk].AsMemory(_used, length);
        _used += length;
        return slice;
    }

    public void Reset()
    {
        _chunk = -1;
        _used = ChunkBytes;
    }
}
