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
    /// <summary>Counts by id + 1: <see cref="Unique"/> reads the count 0 kept at index 0, so testing whether a gram
    /// repeats needs no branch of its own (the test is made for every gram at every level, at random).</summary>
    private int[] _counts = new int[257], _nextCounts = new int[257];
    private int[] _firstAt = new int[256];
    /// <summary>The positions whose n-gram may repeat, in order: only those are looked up.</summary>
    private int[] _candidates = new int[256];
    /// <summary>Characters in the words before each position, so any run of words is one subtraction.</summary>
    private long[] _charsBefore = new long[257];
    private int _distinct;

    public void Compute(DocumentAnalysis doc, double[] values)
    {
        var words = CollectionsMarshal.AsSpan(doc.WordIds);
        var lengths = CollectionsMarshal.AsSpan(doc.WordLengths);
        var total = doc.TotalWordLength;
        for (var n = 5; n <= MaxN; n++) values[DupeIndex(n)] = 0.0;
        for (var n = 2; n <= 4; n++) values[Doc.TopFirst + n - 2] = 0.0;
        if (words.Length < 2) return;

        EnsureCapacity(words.Length, doc.DistinctWords);
        long chars = 0;
        for (var i = 0; i < lengths.Length; i++)
        {
            _charsBefore[i] = chars;
            chars += lengths[i];
        }
        _charsBefore[lengths.Length] = chars;
        CountWords(words, doc.DistinctWords);
        var anyRepeated = true;
        for (var n = 2; n <= MaxN && words.Length >= n; n++)
        {
            // Once no (n−1)-gram repeats, no longer n-gram can, and every remaining value is 0.
            if (!anyRepeated && n > 4) break;
            var grams = words.Length - n + 1;
            anyRepeated = NextLevel(words, n, grams);
            if (n <= 4) values[Doc.TopFirst + n - 2] = TopGramFraction(n, total);
            if (n >= 5) values[DupeIndex(n)] = anyRepeated ? DuplicateFraction(n, grams, total) : 0.0;
            (_current, _next) = (_next, _current);
            (_counts, _nextCounts) = (_nextCounts, _counts);
        }
    }

    private static int DupeIndex(int n) => n == 10 ? Doc.DupeFirst : Doc.DupeFirst + n - 4;

    /// <summary>Level 1: the word ids themselves, with their counts.</summary>
    private void CountWords(ReadOnlySpan<int> words, int distinct)
    {
        words.CopyTo(_current);
        var counts = _counts.AsSpan(0, distinct + 1);
        counts.Clear();
        foreach (var id in words) counts[id + 1]++;
    }

    /// <summary>Gives every repeated n-gram an id in order of first occurrence (into _next) and counts them; says
    /// whether any repeats. An n-gram whose (n−1)-gram prefix or suffix occurs once occurs once itself, so it is
    /// marked <see cref="Unique"/> without a lookup: repeated n-grams keep all their occurrences, in the same order.</summary>
    private bool NextLevel(ReadOnlySpan<int> words, int n, int grams)
    {
        var current = _current.AsSpan(0, grams + 1);
        var next = _next.AsSpan(0, grams);
        var counts = _counts;
        var positions = _candidates;
        // Every position is written and only the possible ones kept, without a branch on the outcome.
        var candidates = 0;
        for (var i = 0; i < grams; i++)
        {
            var possible = (counts[current[i] + 1] > 1) & (counts[current[i + 1] + 1] > 1);
            positions[candidates] = i;
            candidates += possible ? 1 : 0;
        }
        next.Fill(Unique);
        _distinct = 0;
        if (candidates < 2) return false;
        _ids.Clear(candidates);
        var nextCounts = _nextCounts.AsSpan(0, candidates + 1);
        nextCounts.Clear();
        var firstAt = _firstAt;
        foreach (var i in positions.AsSpan(0, candidates))
        {
            var key = ((long)current[i] << 32) | (uint)words[i + n - 1];
            // A new n-gram takes the next id, so its position is written there first; when the n-gram is known, the
            // next new one overwrites it.
            firstAt[_ids.Count] = i;
            var id = _ids.GetOrAdd(key, out _);
            nextCounts[id + 1]++;
            next[i] = id;
        }
        _distinct = _ids.Count;
        return _distinct < candidates;
    }

    /// <summary>Counter.most_common(1): the highest count, ties to the n-gram seen first (the lowest id).</summary>
    private double TopGramFraction(int n, long total)
    {
        if (_distinct == 0) return 0.0;
        var counts = _nextCounts.AsSpan(1, _distinct);
        var best = 0;
        for (var id = 1; id < counts.Length; id++)
            if (counts[id] > counts[best]) best = id;
        var count = counts[best];
        if (count <= 1) return 0.0;
        var at = _firstAt[best];
        var chars = _charsBefore[at + n] - _charsBefore[at];
        return PyFloat.Round8((double)(chars * count) / total);
    }

    /// <summary>Characters of every word covered by any occurrence of a repeated n-gram, the first one included:
    /// the union of the occurrences' word ranges, which start in increasing order.</summary>
    private double DuplicateFraction(int n, int grams, long total)
    {
        var counts = _nextCounts;
        var next = _next.AsSpan(0, grams);
        long chars = 0;
        var coveredTo = 0;
        for (var i = 0; i < next.Length; i++)
        {
            if (counts[next[i] + 1] <= 1) continue;
            var from = Math.Max(i, coveredTo);
            coveredTo = i + n;
            chars += _charsBefore[coveredTo] - _charsBefore[from];
        }
        return PyFloat.Round8((double)chars / total);
    }

    private void EnsureCapacity(int words, int distinct)
    {
        var needed = Math.Max(words, distinct) + 1;
        if (_current.Length >= needed) return;
        var size = Math.Max(needed, _current.Length * 2);
        _current = new int[size];
        _next = new int[size];
        _counts = new int[size + 1];
        _nextCounts = new int[size + 1];
        _firstAt = new int[size];
        _candidates = new int[size];
        _charsBefore = new long[size + 1];
    }
}
