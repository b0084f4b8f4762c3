namespace Refinery.Quality.Formats;

/// <summary>An array that grows by doubling and is cleared without freeing, for column buffers that are filled and
/// written once per row group: unlike <see cref="List{T}"/>, its filled part is handed out as memory without a copy.</summary>
internal sealed class Growable<T>
{
    private T[] _items = new T[256];

    public int Count { get; private set; }

    public ReadOnlyMemory<T> Memory => _items.AsMemory(0, Count);

    public void Add(T item)
    {
        if (Count == _items.Length) Array.Resize(ref _items, _items.Length * 2);
        _items[Count++] = item;
    }

    public void Clear()
    {
        // Reference types would stay reachable from the unused slots.
        if (System.Runtime.CompilerServices.RuntimeHelpers.IsReferenceOrContainsReferences<T>()) Array.Clear(_items, 0, Count);
        Count = 0;
    }
}
