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
    internal static (int Words, int Javascript, int Numeric, int Length) AsciiLineStatistics(ReadOnlySpan<char> line, out int upper)
    {
        int words = 0, javascript = 0, numeric = 0, kept = 0;
        upper = 0;
        var i = 0;
        while (i < line.Length)
        {
            while (i < line.Length && PyUnicode.IsSpace(line[i])) i++;
            if (i == line.Length) break;
            // One whitespace-separated token: count what survives punctuation removal and compare it to "javascript".
            int tokenKept = 0, matched = 0;
            var matches = true;
            for (; i < line.Length && !PyUnicode.IsSpace(line[i]); i++)
            {
                var c = line[i];
                if ((uint)(c - 'A') < 26) upper++;
                if (Rpv2Normalizer.IsAsciiPunctuation(c)) continue;
                tokenKept++;
                if (char.IsAsciiDigit(c)) numeric++;
                var lower = (char)(c | 0x20);
                if (matches && matched < Javascript.Length && char.IsAsciiLetter(c) && lower == Javascript[matched]) matched++;
                else matches = false;
            }
            if (tokenKept == 0) continue;
            words++;
            kept += tokenKept;
            if (matches && matched == Javascript.Length) javascript++;
        }
        return (words, javascript, numeric, words == 0 ? 0 : kept + words - 1);
    }

    private const string Javascript = "javascript";
}
