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
        for (var l = 0; l < lines; l++)
        {
            var line = text[doc.LineStarts[l]..doc.LineStarts[l + 1]];
            var lineLength = doc.LineBounds[l + 1] - doc.LineBounds[l];
            values[Line.TerminalPunctuation][l] = EndsWithTerminalPunctuation(line) ? 1.0 : 0.0;
            values[Line.Bullet][l] = StartsWithBullet(line) ? 1.0 : 0.0;
            values[Line.Uppercase][l] = PyFloat.Round8((double)CountUpper(line) / lineLength);

            var normalized = _normalizer.Run(line);
            var (words, javascript) = CountWords(normalized);
            values[Line.NumWords][l] = words;
            values[Line.Javascript][l] = javascript;
            values[Line.NumericalChars][l] = normalized.IsEmpty ? 0.0 : NumericalFraction(normalized);
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

    private static int CountUpper(ReadOnlySpan<char> line)
    {
        var count = 0;
        for (var i = 0; i < line.Length; i++)
            if (PyUnicode.IsUpper(PyUnicode.CodePointAt(line, ref i))) count++;
        return count;
    }

    /// <summary>Words of the normalised line (single spaces between them) and how many are exactly "javascript".</summary>
    private static (int Words, int Javascript) CountWords(ReadOnlySpan<char> normalized)
    {
        if (normalized.IsEmpty) return (0, 0);
        var words = normalized.Count(' ') + 1;
        var javascript = 0;
        if (normalized.Contains("javascript", StringComparison.Ordinal))
            foreach (var range in normalized.Split(' '))
                if (normalized[range].SequenceEqual("javascript")) javascript++;
        return (words, javascript);
    }

    private static double NumericalFraction(ReadOnlySpan<char> normalized)
    {
        int numeric = 0, length = 0;
        for (var i = 0; i < normalized.Length; i++)
        {
            if (PyUnicode.IsNumeric(PyUnicode.CodePointAt(normalized, ref i))) numeric++;
            length++;
        }
        return PyFloat.Round8((double)numeric / length);
    }
}
