using System.Runtime.InteropServices;
using Refinery.Text;
using Refinery.Text.Unicode;
using static Refinery.Quality.Rpv2.Rpv2Catalog;

namespace Refinery.Quality.Rpv2;

/// <summary>RPv2's lines.py family: one value per line, each line with its trailing newline. Three signals read the
/// raw line, three the line normalised on its own.</summary>
internal sealed class LineSignals
{
    private readonly Rpv2Normalizer _normalizer = new();

    /// <summary>Bullet characters RPv2 recognises; '-', '*' and '·' are not among them.</summary>
    private const string Bullets = "\u2022\u2023\u25B6\u25C0\u25E6\u25A0\u25A1\u25AA\u25AB\u2013";

    public double[][] Compute(DocumentAnalysis doc)
    {
        var lines = doc.LineStarts.Count - 1;
        var values = new double[Line.Count][];
        for (var s = 0; s < Line.Count; s++) values[s] = new double[lines];
        var text = doc.Text.AsSpan();
        var starts = CollectionsMarshal.AsSpan(doc.LineStarts);
        var bounds = CollectionsMarshal.AsSpan(doc.LineBounds);
        for (var l = 0; l < lines; l++)
        {
            var line = text[starts[l]..starts[l + 1]];
            var lineLength = bounds[l + 1] - bounds[l];
            values[Line.TerminalPunctuation][l] = EndsWithTerminalPunctuation(line) ? 1.0 : 0.0;
            values[Line.Bullet][l] = StartsWithBullet(line) ? 1.0 : 0.0;
            int words, javascript, numeric, length, upper;
            if (System.Text.Ascii.IsValid(line))
            {
                (words, javascript, numeric, length) = AsciiLineStatistics(line, out upper);
            }
            else if (!MixedLineStatistics(line, out words, out javascript, out numeric, out length, out upper))
            {
                (words, javascript, numeric, length) = NormalizedStatistics(line);
                upper = CountUpper(line);
            }
            values[Line.Uppercase][l] = PyFloat.Round8((double)upper / lineLength);
            values[Line.NumWords][l] = words;
            values[Line.Javascript][l] = javascript;
            values[Line.NumericalChars][l] = length == 0 ? 0.0 : PyFloat.Round8((double)numeric / length);
        }
        return values;
    }

    private static bool EndsWithTerminalPunctuation(ReadOnlySpan<char> line)
    {
        var stripped = PyStrings.RStrip(line);
        return !stripped.IsEmpty && stripped[^1] is '.' or '!' or '?' or '\u201D';
    }

    private static bool StartsWithBullet(ReadOnlySpan<char> line)
    {
        var stripped = PyStrings.LStrip(line);
        return !stripped.IsEmpty && Bullets.Contains(stripped[0]);
    }

    internal static int CountUpper(ReadOnlySpan<char> line)
    {
        var count = 0;
        for (var i = 0; i < line.Length; i++)
            if (PyUnicode.IsUpper(PyUnicode.CodePointAt(line, ref i))) count++;
        return count;
    }

    /// <summary>Words, "javascript" words, numeric characters and length of the line normalised on its own.</summary>
    internal (int Words, int Javascript, int Numeric, int Length) NormalizedStatistics(ReadOnlySpan<char> line)
    {
        var normalized = _normalizer.Run(line);
        if (normalized.IsEmpty) return (0, 0, 0, 0);
        var words = normalized.Count(' ') + 1;
        var javascript = 0;
        if (normalized.Contains("javascript", StringComparison.Ordinal))
            foreach (var range in normalized.Split(' '))
                if (normalized[range].SequenceEqual("javascript")) javascript++;
        int numeric = 0, length = 0;
        for (var i = 0; i < normalized.Length; i++)
        {
            if (PyUnicode.IsNumeric(PyUnicode.CodePointAt(normalized, ref i))) numeric++;
            length++;
        }
        return (words, javascript, numeric, length);
    }

    /// <summary>The same statistics for an ASCII line without building its normalised text: normalising ASCII deletes
    /// punctuation, lowercases and collapses whitespace, so a word is a whitespace-separated run with at least one
    /// character that is not punctuation, and only the digits are numeric. Also counts the upper-case characters, which
    /// in ASCII are the capital letters. <see cref="NormalizedStatistics"/> and <see cref="CountUpper"/> are the
    /// references a test compares this with.</summary>
    /// <remarks>One pass with one table lookup per character: every line of nearly every document comes here, and the
    /// separate whitespace, punctuation, digit and capital tests cost more than the rest of the line signals.</remarks>
    internal static (int Words, int Javascript, int Numeric, int Length) AsciiLineStatistics(ReadOnlySpan<char> line, out int upper)
    {
        var classes = AsciiClasses;
        int words = 0, javascript = 0, numeric = 0, kept = 0, capitals = 0;
        int tokenKept = 0, matched = 0;
        var matches = true;
        for (var i = 0; i <= line.Length; i++)
        {
            var kind = i < line.Length ? classes[line[i] & 0x7F] : Space;
            if ((kind & Space) != 0)
            {
                // The end of a whitespace-separated token (or of a run of whitespace, which kept nothing).
                if (tokenKept > 0)
                {
                    words++;
                    kept += tokenKept;
                    if (matches && matched == Javascript.Length) javascript++;
                }
                tokenKept = matched = 0;
                matches = true;
                continue;
            }
            capitals += (kind & Capital) >> 3;
            if ((kind & Punctuation) != 0) continue;
            tokenKept++;
            numeric += (kind & Digit) >> 2;
            // Only an ASCII letter ORed with 0x20 gives a lower-case letter, so this compares case-insensitively.
            if (matches)
            {
                if (matched < Javascript.Length && (line[i] | 0x20) == Javascript[matched]) matched++;
                else matches = false;
            }
        }
        upper = capitals;
        return (words, javascript, numeric, words == 0 ? 0 : kept + words - 1);
    }

    /// <summary>The same statistics for a line with non-ASCII characters, when every one of them is a BMP character
    /// whose part of the normalised line does not depend on its neighbours (see <see cref="CharacterPage"/>); false,
    /// with nothing computed, for any other line (a surrogate, say), which then takes <see cref="NormalizedStatistics"/>.
    /// Curly quotes, dashes, no-break spaces and accented letters are most of web text's non-ASCII, and normalising each
    /// such line on its own cost more than the ASCII lines' statistics.</summary>
    internal static bool MixedLineStatistics(ReadOnlySpan<char> line, out int words, out int javascript, out int numeric,
        out int length, out int upper)
    {
        words = javascript = numeric = length = upper = 0;
        int kept = 0, tokenKept = 0, matched = 0, tokenNumeric = 0, capitals = 0;
        var matches = true;
        for (var i = 0; i <= line.Length; i++)
        {
            var c = i < line.Length ? line[i] : ' ';
            var entry = (CharacterPages[c >> 8] ?? CharacterPage(c >> 8))[c & 0xFF];
            if ((entry & NotLocal) != 0) return false;
            if ((entry & Whitespace) != 0)
            {
                if (tokenKept > 0)
                {
                    words++;
                    kept += tokenKept;
                    numeric += tokenNumeric;
                    if (matches && matched == Javascript.Length) javascript++;
                }
                tokenKept = matched = tokenNumeric = 0;
                matches = true;
                continue;
            }
            capitals += (entry & Uppercase) >> 13;
            var characters = entry & KeptMask;
            if (characters == 0) continue;
            tokenKept += characters;
            tokenNumeric += (entry >> NumericShift) & KeptMask;
            if (matches)
            {
                // A non-ASCII character always leaves a non-ASCII code point here (others are not local), so only an
                // ASCII letter can continue "javascript".
                if (matched < Javascript.Length && c < 128 && (c | 0x20) == Javascript[matched]) matched++;
                else matches = false;
            }
        }
        length = words == 0 ? 0 : kept + words - 1;
        upper = capitals;
        return true;
    }

    /// <summary>Per BMP character, built a page of 256 at a time on first use: whether it is whitespace to the
    /// normaliser, how many code points it leaves in the normalised text (0 for deleted punctuation) and how many of
    /// those are numeric, and whether it is upper case in the raw line; or <see cref="NotLocal"/>.</summary>
    private static readonly ushort[]?[] CharacterPages = new ushort[256][];
    private const int KeptMask = 0xF, NumericShift = 4, Uppercase = 1 << 13, Whitespace = 1 << 14, NotLocal = 1 << 15;

    /// <summary>Each character is normalised between two letters, "a" + c + "a", by the normaliser itself. str.lower()
    /// and NFD map each code point on its own (Final_Sigma picks σ or ς, one code point either way, and canonical
    /// reordering moves marks without changing what is counted), so what the character leaves between the letters is
    /// what it leaves in any word. A character is not local when that is not the case or cannot be told from this:
    /// a surrogate, one leaving a space, one leaving only ASCII (it could spell "javascript"; one leaving a non-ASCII
    /// code point too, as é leaves e and U+0301, cannot), or more than 15 code points.</summary>
    private static ushort[] CharacterPage(int page)
    {
        var normalizer = new Rpv2Normalizer();
        var entries = new ushort[256];
        Span<char> probe = ['a', 'a', 'a'];
        for (var k = 0; k < 256; k++)
        {
            var c = (char)(page * 256 + k);
            probe[1] = c;
            entries[k] = char.IsSurrogate(c) ? (ushort)NotLocal : Classify(c, normalizer.Run(probe));
        }
        Volatile.Write(ref CharacterPages[page], entries);
        return entries;

        static ushort Classify(char c, ReadOnlySpan<char> normalized)
        {
            if (normalized.SequenceEqual("a a")) return Whitespace;
            if (normalized.Length < 2 || normalized[0] != 'a' || normalized[^1] != 'a') return NotLocal;
            var middle = normalized[1..^1];
            if (middle.Contains(' ')) return NotLocal;
            if (c >= 128 && System.Text.Ascii.IsValid(middle)) return NotLocal;
            int kept = 0, numeric = 0;
            for (var i = 0; i < middle.Length; i++)
            {
                kept++;
                if (PyUnicode.IsNumeric(PyUnicode.CodePointAt(middle, ref i))) numeric++;
            }
            if (kept > KeptMask) return NotLocal;
            return (ushort)(kept | (numeric << NumericShift) | (PyUnicode.IsUpper(c) ? Uppercase : 0));
        }
    }

    private const byte Space = 1, Punctuation = 2, Digit = 4, Capital = 8;

    /// <summary>Per ASCII character: Python whitespace, punctuation the normaliser deletes, digit, capital letter.</summary>
    private static readonly byte[] AsciiClasses = BuildAsciiClasses();

    private static byte[] BuildAsciiClasses()
    {
        var classes = new byte[128];
        for (var c = 0; c < 128; c++)
            classes[c] = (byte)((PyUnicode.IsSpace(c) ? Space : 0) | (Rpv2Normalizer.IsAsciiPunctuation(c) ? Punctuation : 0)
                | (char.IsAsciiDigit((char)c) ? Digit : 0) | (char.IsAsciiLetterUpper((char)c) ? Capital : 0));
        return classes;
    }

    private const string Javascript = "javascript";
}
