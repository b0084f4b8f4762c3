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
            else
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
