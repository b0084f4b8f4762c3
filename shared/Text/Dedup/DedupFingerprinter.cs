using System.IO.Hashing;
using System.Text;
using Refinery.Text.MinHash;

namespace Refinery.Text.Dedup;

/// <summary>What deduplication keeps of one document: its MinHash signature over word n-grams of the RPv2-normalised
/// text (null when there are fewer words than the n-gram size, as in RPv2), optionally its shingle set for verifying
/// candidates, and the 128-bit key of the normalised text for exact duplicates.</summary>
public sealed record Fingerprint(uint[]? Signature, ShingleSet? Shingles, UInt128 NormalizedKey);

/// <summary>Computes <see cref="Fingerprint"/>s. Not thread-safe (scratch buffers); one per thread.</summary>
public sealed class DedupFingerprinter(MinHashPermutations permutations, int ngram, ShingleHash hash = ShingleHash.Sha1)
{
    private readonly Rpv2Normalizer _normalizer = new();
    private readonly MinHasher _minHasher = new(permutations, ngram, hash);
    private int[] _starts = new int[1024], _ends = new int[1024];
    private byte[] _utf8 = new byte[4096];

    public int NGram => _minHasher.NGram;
    public int Permutations => _minHasher.Count;

    /// <summary>Only the key of the normalised text, for exact duplicates, without the MinHash work.</summary>
    public UInt128 NormalizedKey(string text) => XxHash128.HashToUInt128(NormalizedUtf8(text));

    /// <summary>Only the shingle set, for verifying candidates, without the MinHash work.</summary>
    public ShingleSet Shingles(string text)
    {
        var utf8 = NormalizedUtf8(text);
        var words = WordBounds(utf8);
        return ShingleSet.Create(utf8, _starts.AsSpan(0, words), _ends.AsSpan(0, words), NGram);
    }

    public Fingerprint Compute(string text, bool withShingles)
    {
        var signature = new uint[_minHasher.Count];
        var hasSignature = TryCompute(text, signature, withShingles, out var key, out var shingles);
        return new Fingerprint(hasSignature ? signature : null, shingles, key);
    }

    /// <summary><see cref="Compute"/> into the caller's buffer, so a batch of documents allocates nothing per document
    /// (but the shingle set, when asked for). Returns false, with <paramref name="signature"/> untouched, for a text
    /// with fewer words than the n-gram size.</summary>
    public bool TryCompute(string text, Span<uint> signature, bool withShingles, out UInt128 normalizedKey, out ShingleSet? shingles)
    {
        var utf8 = NormalizedUtf8(text);
        var words = WordBounds(utf8);
        var starts = _starts.AsSpan(0, words);
        var ends = _ends.AsSpan(0, words);
        var hasSignature = _minHasher.TryCompute(utf8, starts, ends, signature);
        shingles = withShingles && hasSignature ? ShingleSet.Create(utf8, starts, ends, NGram) : null;
        normalizedKey = XxHash128.HashToUInt128(utf8);
        return hasSignature;
    }

    /// <summary>The words of <paramref name="utf8"/> into the reused start and end arrays; returns their number.</summary>
    private int WordBounds(ReadOnlySpan<byte> utf8)
    {
        var most = Rpv2Normalizer.MaxWords(utf8.Length);
        if (_starts.Length < most)
        {
            _starts = new int[Math.Max(most, 2 * _starts.Length)];
            _ends = new int[_starts.Length];
        }
        return Rpv2Normalizer.WordBounds(utf8, _starts, _ends);
    }

    private ReadOnlySpan<byte> NormalizedUtf8(string text)
    {
        var normalized = _normalizer.Run(text);
        var needed = Encoding.UTF8.GetMaxByteCount(normalized.Length);
        if (_utf8.Length < needed) _utf8 = new byte[Math.Max(needed, 2 * _utf8.Length)];
        return _utf8.AsSpan(0, Encoding.UTF8.GetBytes(normalized, _utf8));
    }
}
