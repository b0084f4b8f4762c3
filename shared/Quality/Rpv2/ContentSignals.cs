using Refinery.Text;
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

    /// <summary>A count, not a ratio: windows of NW whose space-joined text is a list entry, for every entry length.</summary>
    private static double BadWords(DocumentAnalysis doc, IReadOnlySet<string>? entries)
    {
        if (doc.NormalizedLength == 0 || entries is null || entries.Count == 0) return 0.0;
        var list = BadWordList.For(entries);
        var text = doc.Normalized;
        long count = 0;
        foreach (var n in list.WindowSizes)
            for (var i = 0; i + n <= doc.WordCount; i++)
                if (list.Contains(text[doc.WordStarts[i]..doc.WordEnds[i + n - 1]])) count++;
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
            for (var t = 0; t < doc.RawTokens.Count; t += 2)
                if (lookup.Contains(text[doc.RawTokens[t]..doc.RawTokens[t + 1]])) count++;
        }
        return PyFloat.Round8((double)count / doc.RawTokenCount);
    }

    private static double Ut1(string? url, IReadOnlyDictionary<string, int>? domains)
    {
        if (domains is null || url is null) return double.NaN;
        return domains.TryGetValue(UrlNetloc(url), out var id) ? id : double.NaN;
    }

    /// <summary>urlparse(url).netloc: what follows "//" (after an optional scheme) up to the first '/', '?' or '#'.</summary>
    internal static string UrlNetloc(string url)
    {
        var rest = url.AsSpan();
        var colon = rest.IndexOf(':');
        if (colon > 0 && IsScheme(rest[..colon])) rest = rest[(colon + 1)..];
        if (!rest.StartsWith("//")) return "";
        rest = rest[2..];
        var end = rest.IndexOfAny('/', '?', '#');
        return (end < 0 ? rest : rest[..end]).ToString();

        static bool IsScheme(ReadOnlySpan<char> s) =>
            char.IsAsciiLetter(s[0]) && !s.ContainsAnyExcept("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");
    }

    /// <summary>Span lookups into a stop-word set without allocating per token.</summary>
    private sealed class StopWordList(IReadOnlySet<string> words)
    {
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IReadOnlySet<string>, StopWordList> Cache = new();
        private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup =
            new HashSet<string>(words, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

        public static StopWordList For(IReadOnlySet<string> words) => Cache.GetValue(words, w => new StopWordList(w));

        public bool Contains(ReadOnlySpan<char> token) => _lookup.Contains(token);
    }

    /// <summary>The LDNOOBW entries with the window sizes RPv2 tries (1 + number of spaces in an entry).</summary>
    private sealed class BadWordList
    {
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IReadOnlySet<string>, BadWordList> Cache = new();
        private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

        private BadWordList(IReadOnlySet<string> entries)
        {
            _lookup = new HashSet<string>(entries, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
            WindowSizes = entries.Select(e => 1 + e.AsSpan().Count(' ')).Distinct().Order().ToArray();
        }

        public int[] WindowSizes { get; }

        public static BadWordList For(IReadOnlySet<string> entries) => Cache.GetValue(entries, e => new BadWordList(e));

        public bool Contains(ReadOnlySpan<char> window) => _lookup.Contains(window);
    }
}
