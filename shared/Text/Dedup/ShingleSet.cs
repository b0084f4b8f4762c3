using System.IO.Hashing;

namespace Refinery.Text.Dedup;

/// <summary>A document's set of word n-gram shingles as sorted, distinct 64-bit hashes, for the true Jaccard
/// similarity that verifies an LSH candidate pair. Two distinct shingles share a hash with probability about 2^−64
/// per pair, so the result is exact for any corpus this runs on.</summary>
public sealed class ShingleSet
{
    private readonly ulong[] _hashes;

    private ShingleSet(ulong[] hashes) => _hashes = hashes;

    public int Count => _hashes.Length;

    /// <summary>The sorted, distinct hashes, for storing the set.</summary>
    public ReadOnlySpan<ulong> Hashes => _hashes;

    /// <summary>A set read back from <see cref="Hashes"/>; throws when they are not strictly increasing.</summary>
    public static ShingleSet FromSorted(ulong[] hashes)
    {
        for (var i = 1; i < hashes.Length; i++)
            if (hashes[i] <= hashes[i - 1]) throw new InvalidDataException($"shingle hashes are not sorted and distinct at {i}");
        return new ShingleSet(hashes);
    }

    /// <summary>The shingles of the words at byte ranges [starts[i], ends[i]) of <paramref name="utf8"/>, consecutive
    /// words separated by one space: each shingle is the bytes from its first word's start to its last word's end.</summary>
    public static ShingleSet Create(ReadOnlySpan<byte> utf8, ReadOnlySpan<int> starts, ReadOnlySpan<int> ends, int ngram)
    {
        var count = Math.Max(0, starts.Length - ngram + 1);
        var hashes = new ulong[count];
        for (var i = 0; i < count; i++) hashes[i] = XxHash3.HashToUInt64(utf8[starts[i]..ends[i + ngram - 1]]);
        Array.Sort(hashes);
        var distinct = hashes.AsSpan().Length == 0 ? 0 : 1;
        for (var i = 1; i < hashes.Length; i++)
            if (hashes[i] != hashes[distinct - 1]) hashes[distinct++] = hashes[i];
        return new ShingleSet(hashes[..distinct]);
    }

    /// <summary>|A ∩ B| / |A ∪ B|; two empty sets are identical (1.0).</summary>
    public static double Jaccard(ShingleSet a, ShingleSet b)
    {
        if (a.Count == 0 && b.Count == 0) return 1.0;
        int i = 0, j = 0, common = 0;
        var x = a._hashes;
        var y = b._hashes;
        while (i < x.Length && j < y.Length)
        {
            if (x[i] == y[j]) { common++; i++; j++; }
            else if (x[i] < y[j]) i++;
            else j++;
        }
        return (double)common / (x.Length + y.Length - common);
    }
}
