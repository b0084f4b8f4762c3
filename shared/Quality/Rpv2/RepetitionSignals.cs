using System.Runtime.InteropServices;
using Refinery.Text;
using Refinery.Text.Hashing;
using static Refinery.Quality.Rpv2.Rpv2Catalog;

namespace Refinery.Quality.Rpv2;

/// <summary>RPv2's repetitions.py: the share of characters in the most frequent 2-, 3- and 4-gram, and in duplicated
/// 5- to 10-grams, over the normalised words. N-grams are given exact ids level by level ((n−1)-gram id, next word id),
/// so counting needs no string keys and no hash that could collide.</summary>
internal sealed class RepetitionSignals
{
    private const int MaxN = 10;
    /// <summary>The id of an n-gram known to occur once, which is never counted.</summary>
    private const int Unique = -1;
    private readonly LongIdTable _ids = new();
    private int[] _current = new int[256], _next = new int[256];
    private int[] _counts = new int[256], _nextCounts = new int[256];
    private int[] _firstAt = new int[256];
    private int _distinct;
    private bool[] _marked = new bool[256];

    public void Compute(DocumentAnalysis doc, double[] values)
    {
        var words = CollectionsMarshal.AsSpan(doc.WordIds);
        var lengths = CollectionsMarshal.AsSpan(doc.WordLengths);
        var total = doc.TotalWordLength;
        for (var n = 5; n <= MaxN; n++) values[DupeIndex(n)] = 0.0;
        for (var n = 2; n <= 4; n++) values[Doc.TopFirst + n - 2] = 0.0;
        if (words.Length < 2) return;

        EnsureCapacity(words.Length, doc.DistinctWords);
        CountWords(words, doc.DistinctWords);
        var anyRepeated = true;
        for (var n = 2; n <= MaxN && words.Length >= n; n++)
        {
            // Once no (n−1)-gram repeats, no longer n-gram can, and every remaining value is 0.
            if (!anyRepeated && n > 4) break;
            var grams = words.Length - n + 1;
            anyRepeated = NextLevel(words, n, grams);
            if (n <= 4) values[Doc.TopFirst + n - 2] = TopGramFraction(lengths, n, total);
            if (n >= 5) values[DupeIndex(n)] = anyRepeated ? DuplicateFraction(lengths, n, grams, total) : 0.0;
            (_current, _next) = (_next, _current);
            (_counts, _nextCounts) = (_nextCounts, _counts);
        }
    }

    private static int DupeIndex(int n) => n == 10 ? Doc.DupeFirst : Doc.DupeFirst + n - 4;

    /// <summary>Level 1: the word ids themselves, with their counts.</summary>
    private void CountWords(ReadOnlySpan<int> words, int distinct)
    {
        words.CopyTo(_current);
        var counts = _counts.AsSpan(0, distinct);
        counts.Clear();
        foreach (var id in words) counts[id]++;
    }

    /// <summary>Gives every repeated n-gram an id in order of first occurrence (into _next) and counts them; says
    /// whether any repeats. An n-gram whose (n−1)-gram prefix or suffix occurs once occurs once itself, so it is
    /// marked <see cref="Unique"/> without a lookup: repeated n-grams keep all their occurrences, in the same order.</summary>
    private bool NextLevel(ReadOnlySpan<int> words, int n, int grams)
    {
        var current = _current.AsSpan(0, grams + 1);
        var next = _next.AsSpan(0, grams);
        var candidates = 0;
        for (var i = 0; i < grams; i++)
        {
            var prefix = current[i];
            var suffix = current[i + 1];
            var possible = prefix != Unique && suffix != Unique && _counts[prefix] > 1 && _counts[suffix] > 1;
            next[i] = possible ? 0 : Unique;
            if (possible) candidates++;
        }
        _distinct = 0;
        if (candidates < 2)
        {
            next.Fill(Unique);
            return false;
        }
        _ids.Clear(candidates);
        var repeated = false;
        for (var i = 0; i < grams; i++)
        {
            if (next[i] == Unique) continue;
            var key = ((long)current[i] << 32) | (uint)words[i + n - 1];
            var id = _ids.GetOrAdd(key, out var added);
            if (added)
            {
                _nextCounts[id] = 1;
                _firstAt[id] = i;
                _distinct++;
            }
            else
            {
                _nextCounts[id]++;
                repeated = true;
            }
            next[i] = id;
        }
        return repeated;
    }

    /// <summary>Counter.most_common(1): the highest count, ties to the n-gram seen first (the lowest id).</summary>
    private double TopGramFraction(ReadOnlySpan<int> lengths, int n, long total)
    {
        if (_distinct == 0) return 0.0;
        var best = 0;
        for (var id = 1; id < _distinct; id++)
            if (_nextCounts[id] > _nextCounts[best]) best = id;
        var count = _nextCounts[best];
        if (count <= 1) return 0.0;
        long chars = 0;
        for (var k = 0; k < n; k++) chars += lengths[_firstAt[best] + k];
        return PyFloat.Round8((double)(chars * count) / total);
    }

    /// <summary>Characters of every word covered by any occurrence of a repeated n-gram, the first one included.</summary>
    private double DuplicateFraction(ReadOnlySpan<int> lengths, int n, int grams, long total)
    {
        var marked = _marked.AsSpan(0, lengths.Length);
        marked.Clear();
        for (var i = 0; i < grams; i++)
            if (_next[i] != Unique && _nextCounts[_next[i]] > 1) marked.Slice(i, n).Fill(true);
        long chars = 0;
        for (var i = 0; i < marked.Length; i++)
            if (marked[i]) chars += lengths[i];
        return PyFloat.Round8((double)chars / total);
    }

    private void EnsureCapacity(int words, int distinct)
    {
        var needed = Math.Max(words, distinct) + 1;
        if (_current.Length >= needed) return;
        var size = Math.Max(needed, _current.Length * 2);
        _current = new int[size];
        _next = new int[size];
        _counts = new int[size];
        _nextCounts = new int[size];
        _firstAt = new int[size];
        _marked = new bool[size];
    }
}
