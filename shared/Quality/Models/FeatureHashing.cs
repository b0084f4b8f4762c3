using System.Buffers;
using System.IO.Hashing;
using System.Text;

namespace Refinery.Quality.Models;

/// <summary>Stable hashing of tokens and token bigrams into buckets. RPv2's DSIR uses CPython's salted builtin
/// <c>hash</c> (PYTHONHASHSEED=42); Refinery uses XxHash64 instead, so its bucket numbers differ from RPv2's and its
/// count arrays are not interchangeable with RPv2's <c>*.counts.npy</c>, but they are stable across processes.</summary>
internal static class FeatureHashing
{
    // 0xFF never occurs in UTF-8, so "a b" as a pair can never hash the same bytes as any single token.
    private const byte PairSeparator = 0xFF;

    public static ulong Token(string token) => Hash(token, null);

    public static ulong Pair(string first, string second) => Hash(first, second);

    private static ulong Hash(string first, string? second)
    {
        var length = Encoding.UTF8.GetByteCount(first) + (second is null ? 0 : 1 + Encoding.UTF8.GetByteCount(second));
        var rented = length <= 512 ? null : ArrayPool<byte>.Shared.Rent(length);
        var buffer = rented is null ? stackalloc byte[length] : rented.AsSpan(0, length);
        var at = Encoding.UTF8.GetBytes(first, buffer);
        if (second is not null)
        {
            buffer[at++] = PairSeparator;
            Encoding.UTF8.GetBytes(second, buffer[at..]);
        }
        var hash = XxHash64.HashToUInt64(buffer);
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        return hash;
    }

    /// <summary>Bucket of every token and every adjacent token pair, in text order (unigrams first).</summary>
    public static int[] UnigramsAndBigrams(IReadOnlyList<string> tokens, int buckets)
    {
        var features = new int[tokens.Count + Math.Max(0, tokens.Count - 1)];
        for (var i = 0; i < tokens.Count; i++) features[i] = (int)(Token(tokens[i]) % (ulong)buckets);
        for (var i = 1; i < tokens.Count; i++) features[tokens.Count + i - 1] = (int)(Pair(tokens[i - 1], tokens[i]) % (ulong)buckets);
        return features;
    }
}
