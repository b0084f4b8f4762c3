using System.IO.Hashing;
using System.Text;

namespace Refinery.Quality.Models;

/// <summary>One text's WordPunct tokens and the <see cref="FeatureHashing"/> hash of every token and adjacent token
/// pair, computed once so every model of a document shares them. Reused across documents: it keeps its buffers, so
/// after warm-up a document costs no allocation.</summary>
internal sealed class HashedTokens
{
    // 0xFF never occurs in UTF-8; the same separator as FeatureHashing.Pair, so the hashes are equal.
    private const byte PairSeparator = 0xFF;

    private readonly List<int> _bounds = [];
    private byte[] _utf8 = new byte[4096];
    private int[] _utf8Starts = new int[1024]; // token t's bytes are _utf8[_utf8Starts[t] .. _utf8Starts[t + 1]]
    private byte[] _pair = new byte[256];
    private ulong[] _hashes = new ulong[2048];

    /// <summary>Number of tokens.</summary>
    public int Count { get; private set; }

    /// <summary>Unigram hashes then bigram hashes, in text order: <see cref="FeatureHashing.UnigramsAndBigrams"/>
    /// before the modulo.</summary>
    public ReadOnlySpan<ulong> Features => _hashes.AsSpan(0, Count + Math.Max(0, Count - 1));

    /// <summary>UTF-16 start of token <paramref name="t"/> in the analysed text.</summary>
    public int Start(int t) => _bounds[2 * t];

    /// <summary>UTF-16 end (exclusive) of token <paramref name="t"/> in the analysed text.</summary>
    public int End(int t) => _bounds[2 * t + 1];

    public void Analyse(ReadOnlySpan<char> text)
    {
        _bounds.Clear();
        Refinery.Text.WordPunct.Tokenize(text, _bounds);
        Count = _bounds.Count / 2;
        Grow(ref _utf8Starts, Count + 1);
        Grow(ref _hashes, 2 * Count);
        Grow(ref _utf8, Encoding.UTF8.GetMaxByteCount(text.Length));

        var at = 0;
        for (var t = 0; t < Count; t++)
        {
            _utf8Starts[t] = at;
            var token = text[_bounds[2 * t].._bounds[2 * t + 1]];
            var length = Encoding.UTF8.GetBytes(token, _utf8.AsSpan(at));
            _hashes[t] = XxHash64.HashToUInt64(_utf8.AsSpan(at, length));
            at += length;
        }
        _utf8Starts[Count] = at;

        for (var t = 1; t < Count; t++)
        {
            var first = _utf8.AsSpan(_utf8Starts[t - 1], _utf8Starts[t] - _utf8Starts[t - 1]);
            var second = _utf8.AsSpan(_utf8Starts[t], _utf8Starts[t + 1] - _utf8Starts[t]);
            var length = first.Length + 1 + second.Length;
            Grow(ref _pair, length);
            first.CopyTo(_pair);
            _pair[first.Length] = PairSeparator;
            second.CopyTo(_pair.AsSpan(first.Length + 1));
            _hashes[Count + t - 1] = XxHash64.HashToUInt64(_pair.AsSpan(0, length));
        }
    }

    internal static void Grow<T>(ref T[] array, int needed)
    {
        if (array.Length < needed) array = new T[Math.Max(needed, array.Length * 2)];
    }
}
