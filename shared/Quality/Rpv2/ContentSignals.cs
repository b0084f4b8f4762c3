using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Refinery.Text;
using Refinery.Text.Hashing;
using Refinery.Text.Unicode;
using static Refinery.Quality.Rpv2.Rpv2Catalog;

namespace Refinery.Quality.Rpv2;

/// <summary>RPv2's content.py family: curly brackets, LDNOOBW words, lorem ipsum, stop words and the UT1 domain list.</summary>
internal static class ContentSignals
{
    public static void Compute(DocumentAnalysis doc, SignalDocument input, Rpv2Resources resources, double[] values)
    {
        values[Doc.CurlyBracket] = CurlyBracket(doc);
        values[Doc.LdnoobwWords] = BadWords(doc, resources.BadWords.GetValueOrDefault(input.Language));
        values[Doc.LoremIpsum] = LoremIpsum(doc);
        values[Doc.StopWordFraction] = StopWordFraction(doc, resources.StopWords.GetValueOrDefault(input.Language));
        values[Doc.Ut1Blacklist] = Ut1(input.Url, resources.Ut1Domains);
    }

    private static double CurlyBracket(DocumentAnalysis doc)
    {
        if (doc.Length == 0) return 0.0;
        var text = doc.Text.AsSpan();
        var count = text.Count('{') + text.Count('}');
        return count == 0 ? 0.0 : PyFloat.Round8((double)count / doc.Length);
    }

    /// <summary>A count, not a ratio: windows of NW whose space-joined text is a list entry, for every entry length.
    /// Single words are looked up once per distinct word; longer windows only where a multi-word entry could start.</summary>
    private static double BadWords(DocumentAnalysis doc, IReadOnlySet<string>? entries)
    {
        if (doc.NormalizedLength == 0 || entries is null || entries.Count == 0) return 0.0;
        var list = BadWordList.For(entries);
        var text = doc.Normalized;
        var distinct = doc.DistinctWords;
        var starts = CollectionsMarshal.AsSpan(doc.WordStarts);
        var ends = CollectionsMarshal.AsSpan(doc.WordEnds);
        var ids = CollectionsMarshal.AsSpan(doc.WordIds);
        var first = CollectionsMarshal.AsSpan(doc.FirstOccurrence);
        Span<byte> kinds = distinct <= 4096 ? stackalloc byte[distinct] : new byte[distinct];
        for (var id = 0; id < distinct; id++)
        {
            var at = first[id];
            var word = text[starts[at]..ends[at]];
            kinds[id] = !list.MayMatch(word) ? (byte)0
                : (byte)((list.Contains(word) ? 1 : 0) | (list.StartsMultiWordEntry(word) ? 2 : 0));
        }
        long count = 0;
        for (var i = 0; i < ids.Length; i++)
        {
            var kind = kinds[ids[i]];
            if ((kind & 1) != 0) count++;
            if ((kind & 2) == 0) continue;
            foreach (var n in list.MultiWordSizes)
                if (i + n <= ids.Length && list.Contains(text[starts[i]..ends[i + n - 1]])) count++;
        }
        return count;
    }

    private static double LoremIpsum(DocumentAnalysis doc)
    {
        var text = doc.Normalized;
        if (doc.NormalizedLength == 0 || !text.Contains("lorem ipsum", StringComparison.Ordinal)) return 0.0;
        return PyFloat.Round8((double)CountLoremIpsumIgnoreCase(text) / doc.NormalizedLength);
    }

    /// <summary>re.findall("lorem ipsum", N, re.I) on already lowercased text: besides the letters themselves, Python's
    /// case-insensitive matching lets dotless ı match i and long ſ match s.</summary>
    private static int CountLoremIpsumIgnoreCase(ReadOnlySpan<char> text)
    {
        const string pattern = "lorem ipsum";
        var count = 0;
        for (var i = 0; i + pattern.Length <= text.Length;)
        {
            var k = 0;
            while (k < pattern.Length && Matches(pattern[k], text[i + k])) k++;
            if (k == pattern.Length) { count++; i += pattern.Length; }
            else i++;
        }
        return count;

        static bool Matches(char p, char t) => t == p || (p == 'i' && t == '\u0131') || (p == 's' && t == '\u017F');
    }

    private static double StopWordFraction(DocumentAnalysis doc, IReadOnlySet<string>? stopWords)
    {
        if (doc.WordCount == 0 || doc.RawTokenCount == 0) return 0.0;
        var count = 0;
        if (stopWords is { Count: > 0 })
        {
            var lookup = StopWordList.For(stopWords);
            var text = doc.Text.AsSpan();
            var tokens = CollectionsMarshal.AsSpan(doc.RawTokens);
            for (var t = 0; t < tokens.Length; t += 2)
                if (lookup.Contains(text[tokens[t]..tokens[t + 1]])) count++;
        }
        return PyFloat.Round8((double)count / doc.RawTokenCount);
    }

    private static double Ut1(string? url, IReadOnlyDictionary<string, int>? domains)
    {
        if (domains is null || url is null) return double.NaN;
        return domains.TryGetValue(UrlParts.Netloc(url), out var id) ? id : double.NaN;
    }

    /// <summary>Stop-word lookups without allocating or hashing strings per token (see <see cref="ShortAsciiSet"/>).</summary>
    private sealed class StopWordList(IReadOnlySet<string> words)
    {
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IReadOnlySet<string>, StopWordList> Cache = new();
        private readonly ShortAsciiSet _set = new(words);
        // A cheap pre-check: most tokens (capitalised words, numbers, punctuation, most words) match no entry's length
        // and first and last characters.
        private readonly WordFilter _filter = new(words);

        public static StopWordList For(IReadOnlySet<string> words) => Cache.GetValue(words, w => new StopWordList(w));

        public bool Contains(ReadOnlySpan<char> token) => _filter.MayContain(token) && _set.Contains(token);
    }

    /// <summary>A one-probe pre-check for word lists: one bit per hash of (length, first character, last character),
    /// set for every entry. A clear bit proves the word is not an entry; a set one says nothing.</summary>
    private sealed class WordFilter
    {
        private const int Bits = 1 << 16;
        private readonly ulong[] _bits = new ulong[Bits / 64];

        public WordFilter(IEnumerable<string> entries)
        {
            foreach (var entry in entries)
            {
                if (entry.Length == 0) continue;
                var bit = Bit(entry);
                _bits[bit >> 6] |= 1UL << bit;
            }
        }

        /// <summary>False only when <paramref name="word"/> (not empty) is no entry.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool MayContain(ReadOnlySpan<char> word)
        {
            var bit = Bit(word);
            return (_bits[bit >> 6] & (1UL << bit)) != 0;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int Bit(ReadOnlySpan<char> word) =>
            (int)(((uint)word.Length * 0x9E3779B1u ^ word[0] * 0x85EBCA6Bu ^ word[^1] * 0xC2B2AE35u) * 0x27D4EB2Fu >> 16);
    }

    /// <summary>The LDNOOBW entries with the window sizes RPv2 tries (1 + number of spaces in an entry).</summary>
    private sealed class BadWordList
    {
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IReadOnlySet<string>, BadWordList> Cache = new();
        private readonly ShortAsciiSet _entries;

        private BadWordList(IReadOnlySet<string> entries)
        {
            _entries = new ShortAsciiSet(entries);
            MultiWordSizes = entries.Select(e => 1 + e.AsSpan().Count(' ')).Where(n => n > 1).Distinct().Order().ToArray();
            var firstWords = entries.Where(e => e.Contains(' ')).Select(e => e[..e.IndexOf(' ')]).Distinct().ToArray();
            _firstWords = new ShortAsciiSet(firstWords);
            _filter = new WordFilter(entries.Concat(firstWords));
        }

        private readonly WordFilter _filter;

        /// <summary>False when the word is neither an entry nor the first word of one: nearly every word, found with one
        /// probe instead of two set lookups (a string hash each for the longer words).</summary>
        public bool MayMatch(ReadOnlySpan<char> word) => _filter.MayContain(word);

        private readonly ShortAsciiSet _firstWords;

        /// <summary>Window sizes above one (1 + the spaces in an entry).</summary>
        public int[] MultiWordSizes { get; }

        /// <summary>Whether some multi-word entry begins with this word (an entry "a  b" begins with "a").</summary>
        public bool StartsMultiWordEntry(ReadOnlySpan<char> word) => _firstWords.Contains(word);

        public static BadWordList For(IReadOnlySet<string> entries) => Cache.GetValue(entries, e => new BadWordList(e));

        public bool Contains(ReadOnlySpan<char> window) => _entries.Contains(window);
    }
}
