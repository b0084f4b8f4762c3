using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Refinery.Text.Dedup;

/// <summary>MinHash LSH buckets: a document lands, for every band, in the bucket of that band's row values. Documents
/// sharing any bucket are candidate duplicates. A bucket is keyed by the 128-bit XxHash of its rows; RPv2 groups by the
/// band bytes themselves, and the two agree unless two different bands collide in 128 bits.
/// A bucket holding one document costs one dictionary entry; member lists exist only for shared buckets.</summary>
public sealed class LshIndex
{
    private readonly Dictionary<UInt128, int>[] _buckets; // value: the only member, or −(index in _shared + 1)
    private readonly List<List<int>> _shared = [];

    public LshIndex(int bands, int rows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bands, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        Bands = bands;
        Rows = rows;
        _buckets = new Dictionary<UInt128, int>[bands];
        for (var b = 0; b < bands; b++) _buckets[b] = [];
    }

    public int Bands { get; }
    public int Rows { get; }

    /// <summary>Files <paramref name="document"/> under each band of <paramref name="signature"/> (at least bands × rows values).</summary>
    public void Add(int document, ReadOnlySpan<uint> signature)
    {
        if (signature.Length < Bands * Rows)
            throw new ArgumentException($"a signature of {signature.Length} values is shorter than {Bands} bands × {Rows} rows", nameof(signature));
        for (var b = 0; b < Bands; b++)
        {
            var key = XxHash128.HashToUInt128(MemoryMarshal.AsBytes(signature.Slice(b * Rows, Rows)));
            ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_buckets[b], key, out var exists);
            if (!exists)
            {
                slot = document;
                continue;
            }
            if (slot >= 0)
            {
                _shared.Add([slot]);
                slot = -_shared.Count;
            }
            _shared[-slot - 1].Add(document);
        }
    }

    /// <summary>Every bucket with two or more members, members in the order they were added.</summary>
    public IEnumerable<IReadOnlyList<int>> SharedBuckets() => _shared;
}
