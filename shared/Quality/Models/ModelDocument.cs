using System.Globalization;
using System.Text;

namespace Refinery.Quality.Models;

/// <summary>
/// One document as the model scorers read it, analysed at most once whatever the number of models: the raw WordPunct
/// tokens and their hashes (DSIR), and the CCNet-normalised text with its tokens and hashes (the language model and
/// the classifiers). One instance per thread, reused for every document, so scoring allocates nothing per token.
/// </summary>
/// <remarks>
/// Normalising the whole text once gives the same tokens as the per-line (LM) and joined-lines (classifier) texts
/// the scorers were defined on: lower-casing is per character, NFD never reorders across a line break (a starter),
/// no character normalises to <c>\n</c>, and the line breaks RPv2 joins with spaces are whitespace to WordPunct.
/// A test compares every scorer with its per-line, string-based definition on real pages.
/// </remarks>
internal sealed class ModelDocument
{
    private readonly HashedTokens _raw = new(), _normalised = new();
    private char[] _chars = new char[4096];
    private bool _rawDone, _normalisedDone;
    private int _normalisedLength;
    private int[] _counts = [];
    private int _countedBuckets; // 0: _counts is not this document's
    private int[] _touched = new int[1024];
    private int _touchedCount;
    private int[] _sequence = new int[1024];

    public string Text { get; private set; } = "";

    public void Reset(string text)
    {
        Text = text;
        _rawDone = _normalisedDone = false;
        _countedBuckets = 0;
    }

    /// <summary>DSIR's counts <c>f</c> of the raw features over <paramref name="buckets"/> buckets, and the buckets
    /// whose count is not zero in ascending order; counted once for every DSIR model of that size.</summary>
    public ReadOnlySpan<int> BucketCounts(int buckets, out ReadOnlySpan<int> touched)
    {
        if (_countedBuckets != buckets)
        {
            if (_counts.Length != buckets) _counts = new int[buckets];
            else foreach (var b in _touched.AsSpan(0, _touchedCount)) _counts[b] = 0;
            var features = Raw.Features;
            HashedTokens.Grow(ref _touched, features.Length);
            _touchedCount = 0;
            foreach (var hash in features)
            {
                var bucket = (int)(hash % (ulong)buckets);
                if (_counts[bucket]++ == 0) _touched[_touchedCount++] = bucket;
            }
            _touched.AsSpan(0, _touchedCount).Sort();
            _countedBuckets = buckets;
        }
        touched = _touched.AsSpan(0, _touchedCount);
        return _counts;
    }

    /// <summary>A scratch buffer of at least <paramref name="length"/> ints (the LM's id sequence of a line).</summary>
    public int[] Sequence(int length)
    {
        HashedTokens.Grow(ref _sequence, length);
        return _sequence;
    }

    /// <summary>RPv2's raw words, for DSIR.</summary>
    public HashedTokens Raw
    {
        get
        {
            if (!_rawDone) { _raw.Analyse(Text); _rawDone = true; }
            return _raw;
        }
    }

    /// <summary>The normalised words (see <see cref="ModelTokenizer.NormalisedWords"/>), for the LM and classifiers.</summary>
    public HashedTokens Normalised
    {
        get
        {
            EnsureNormalised();
            return _normalised;
        }
    }

    /// <summary>The normalised text that <see cref="Normalised"/>'s token bounds index.</summary>
    public ReadOnlySpan<char> NormalisedText
    {
        get
        {
            EnsureNormalised();
            return _chars.AsSpan(0, _normalisedLength);
        }
    }

    /// <summary>Python's <c>len(text)</c>: code points, a lone surrogate counting one as <see cref="string.EnumerateRunes"/> does.</summary>
    public long CodePoints()
    {
        var text = Text.AsSpan();
        var i = text.IndexOfAnyInRange('\uD800', '\uDFFF');
        if (i < 0) return text.Length;
        long pairs = 0;
        for (; i < text.Length - 1; i++)
            if (char.IsHighSurrogate(text[i]) && char.IsLowSurrogate(text[i + 1])) { pairs++; i++; }
        return text.Length - pairs;
    }

    private void EnsureNormalised()
    {
        if (_normalisedDone) return;
        _normalisedLength = Normalise(Text, ref _chars);
        _normalised.Analyse(_chars.AsSpan(0, _normalisedLength));
        _normalisedDone = true;
    }

    /// <summary><see cref="ModelTokenizer.Normalise"/> into a reused buffer, with a copy-free path for ASCII text
    /// (there lower-casing is A–Z only, NFD changes nothing, no mark exists and the digits are 0–9).</summary>
    internal static int Normalise(string text, ref char[] buffer)
    {
        if (Ascii.IsValid(text))
        {
            HashedTokens.Grow(ref buffer, text.Length);
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                buffer[i] = c is >= 'A' and <= 'Z' ? (char)(c | 0x20) : char.IsAsciiDigit(c) ? '0' : c;
            }
            return text.Length;
        }
        var decomposed = text.ToLowerInvariant().Normalize(NormalizationForm.FormD);
        HashedTokens.Grow(ref buffer, decomposed.Length);
        var length = 0;
        foreach (var rune in decomposed.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category == UnicodeCategory.NonSpacingMark) continue;
            if (category == UnicodeCategory.DecimalDigitNumber) { buffer[length++] = '0'; continue; }
            length += rune.EncodeToUtf16(buffer.AsSpan(length));
        }
        return length;
    }
}
