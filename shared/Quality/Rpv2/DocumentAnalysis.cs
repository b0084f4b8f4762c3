using System.Runtime.InteropServices;
using System.Text;
using Refinery.Text;
using Refinery.Text.Hashing;
using Refinery.Text.Unicode;

namespace Refinery.Quality.Rpv2;

/// <summary>What every RPv2 signal family reads from one document, computed once: lines, raw WordPunct tokens (RW),
/// the normalised text (N) and its words (NW) with ids in order of first occurrence. Reused between documents.</summary>
internal sealed class DocumentAnalysis
{
    private readonly Rpv2Normalizer _normalizer = new();
    private readonly SpanIdTable _wordIds = new();
    private readonly List<int> _firstOccurrence = [];
    private GrowableBuffer<char> _normalized = new(4096);
    private byte[] _utf8 = new byte[4096];
    private readonly List<int> _byteStarts = [], _byteEnds = [];

    public string Text { get; private set; } = "";
    public int Length { get; private set; }
    public bool HasSurrogates { get; private set; }

    /// <summary>UTF-16 line starts plus the end: line i is [LineStarts[i], LineStarts[i+1]).</summary>
    public List<int> LineStarts { get; } = [];

    /// <summary>The same bounds in code points.</summary>
    public List<int> LineBounds { get; } = [];

    /// <summary>Raw tokens as UTF-16 start/end pairs into <see cref="Text"/>.</summary>
    public List<int> RawTokens { get; } = [];

    public int RawTokenCount => RawTokens.Count / 2;

    /// <summary>Raw tokens that are str.isupper(), and those with an ASCII letter.</summary>
    public int UpperTokens { get; private set; }
    public int AsciiLetterTokens { get; private set; }

    public ReadOnlySpan<char> Normalized => _normalized.Span;
    public int NormalizedLength { get; private set; }

    /// <summary>Normalised words as UTF-16 start/end into <see cref="Normalized"/>, their code-point lengths, and ids.</summary>
    public List<int> WordStarts { get; } = [];
    public List<int> WordEnds { get; } = [];
    public List<int> WordLengths { get; } = [];
    public List<int> WordIds { get; } = [];
    public int WordCount => WordIds.Count;
    public int DistinctWords => _wordIds.Count;

    /// <summary>For each word id, the index in NW of its first occurrence.</summary>
    public List<int> FirstOccurrence => _firstOccurrence;
    public long TotalWordLength { get; private set; }

    public void Analyze(string text)
    {
        Text = text;
        HasSurrogates = text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') >= 0;
        Length = HasSurrogates ? text.Length - SurrogatePairs(text) : text.Length;
        SplitLines();
        RawTokens.Clear();
        (UpperTokens, AsciiLetterTokens) = Rpv2.RawTokens.Tokenize(text, RawTokens);
        _normalized.Clear();
        _normalized.Append(_normalizer.Run(text));
        var surrogates = _normalized.Span.IndexOfAnyInRange('\uD800', '\uDFFF') >= 0;
        NormalizedLength = surrogates ? _normalized.Length - SurrogatePairs(_normalized.Span) : _normalized.Length;
        SplitWords(surrogates);
    }

    /// <summary>UTF-8 bytes of <see cref="Normalized"/> and each word's byte range in them (for MinHash shingles).</summary>
    public ReadOnlySpan<byte> NormalizedUtf8(out ReadOnlySpan<int> starts, out ReadOnlySpan<int> ends)
    {
        var text = Normalized;
        var needed = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (_utf8.Length < needed) _utf8 = new byte[Math.Max(needed, _utf8.Length * 2)];
        var length = Encoding.UTF8.GetBytes(text, _utf8);
        var bytes = _utf8.AsSpan(0, length);
        if (length == text.Length)
        {
            // Only ASCII encodes to one byte per UTF-16 unit, and then the byte offsets are the character offsets.
            starts = CollectionsMarshal.AsSpan(WordStarts);
            ends = CollectionsMarshal.AsSpan(WordEnds);
            return bytes;
        }
        _byteStarts.Clear();
        _byteEnds.Clear();
        Rpv2Normalizer.WordBounds(bytes, _byteStarts, _byteEnds);
        starts = CollectionsMarshal.AsSpan(_byteStarts);
        ends = CollectionsMarshal.AsSpan(_byteEnds);
        return bytes;
    }

    private void SplitLines()
    {
        LineStarts.Clear();
        LineBounds.Clear();
        LineStarts.Add(0);
        LineBounds.Add(0);
        var text = Text.AsSpan();
        var start = 0;
        var codePoints = 0;
        while (start < text.Length)
        {
            var newline = text[start..].IndexOf('\n');
            var end = newline < 0 ? text.Length : start + newline + 1;
            codePoints += end - start - (HasSurrogates ? SurrogatePairs(text[start..end]) : 0);
            LineStarts.Add(end);
            LineBounds.Add(codePoints);
            start = end;
        }
    }

    /// <summary>The surrogate pairs <see cref="PyUnicode.CodePointCount"/> finds (a high surrogate followed by a low
    /// one), counted by jumping from one high surrogate to the next: texts with emoji have few of them, and a scan of
    /// every character cost more than the code-point count was worth.</summary>
    internal static int SurrogatePairs(ReadOnlySpan<char> text)
    {
        var pairs = 0;
        var i = 0;
        while (true)
        {
            var found = text[i..].IndexOfAnyInRange('\uD800', '\uDBFF');
            if (found < 0) return pairs;
            i += found + 1;
            if (i < text.Length && char.IsLowSurrogate(text[i]))
            {
                pairs++;
                i++;
            }
        }
    }

    private void SplitWords(bool surrogates)
    {
        _firstOccurrence.Clear();
        var text = _normalized.Span;
        _wordIds.Reset(text.Length / 6);
        // Words are written through spans over lists sized for the most words the text can hold (one character and
        // a space each), then trimmed: four List.Add calls per word, with their checks, cost more than the split.
        var most = text.Length / 2 + 1;
        var starts = Sized(WordStarts, most);
        var ends = Sized(WordEnds, most);
        var lengths = Sized(WordLengths, most);
        var ids = Sized(WordIds, most);
        var words = 0;
        long total = 0;
        // Normalised text has single spaces between words and none at either end, so each word ends at the next
        // space (found vectorised) or at the end of the text.
        var start = 0;
        while (start < text.Length)
        {
            var space = text[start..].IndexOf(' ');
            var i = space < 0 ? text.Length : start + space;
            if (i > start)
            {
                var id = _wordIds.GetOrAdd(text, start, i - start, out var added);
                if (added) _firstOccurrence.Add(words);
                var length = surrogates ? PyUnicode.CodePointCount(text[start..i]) : i - start;
                starts[words] = start;
                ends[words] = i;
                lengths[words] = length;
                ids[words] = id;
                words++;
                total += length;
            }
            start = i + 1;
        }
        TotalWordLength = total;
        CollectionsMarshal.SetCount(WordStarts, words);
        CollectionsMarshal.SetCount(WordEnds, words);
        CollectionsMarshal.SetCount(WordLengths, words);
        CollectionsMarshal.SetCount(WordIds, words);

        static Span<int> Sized(List<int> list, int count)
        {
            CollectionsMarshal.SetCount(list, count);
            return CollectionsMarshal.AsSpan(list);
        }
    }
}
