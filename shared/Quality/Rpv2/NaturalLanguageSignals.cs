using System.Runtime.InteropServices;
using Refinery.Text;
using Refinery.Text.Unicode;
using static Refinery.Quality.Rpv2.Rpv2Catalog;

namespace Refinery.Quality.Rpv2;

/// <summary>RPv2's natural_language.py family: word statistics over raw tokens (RW) and normalised words (NW),
/// sentences, ellipsis lines and the symbol ratio.</summary>
internal sealed class NaturalLanguageSignals
{
    private int[] _counts = new int[256];

    public void Compute(DocumentAnalysis doc, double[] values)
    {
        var text = doc.Text.AsSpan();
        var rawTokens = doc.RawTokenCount;
        values[Doc.AllCaps] = rawTokens == 0 ? double.NaN : PyFloat.Round8((double)doc.UpperTokens / rawTokens);
        values[Doc.NoAlph] = rawTokens == 0 ? double.NaN : PyFloat.Round8(1.0 - (double)doc.AsciiLetterTokens / rawTokens);
        values[Doc.SymbolToWord] = rawTokens == 0
            ? double.NaN
            : PyFloat.Round8((double)(text.Count('#') + CountNonOverlapping(text, "...") + text.Count('…')) / rawTokens);
        values[Doc.Ellipsis] = doc.LineStarts.Count == 1 ? double.NaN : PyFloat.Round8((double)CountEllipsisLines(doc) / (doc.LineStarts.Count - 1));
        values[Doc.NumSentences] = Sentences.Count(text);

        var words = doc.WordCount;
        values[Doc.WordCount] = words;
        if (words == 0)
        {
            values[Doc.UniqueWords] = values[Doc.MeanWordLength] = values[Doc.UnigramEntropy] = double.NaN;
            return;
        }
        values[Doc.UniqueWords] = PyFloat.Round8((double)doc.DistinctWords / words);
        values[Doc.MeanWordLength] = PyFloat.Round8((double)doc.TotalWordLength / words);
        values[Doc.UnigramEntropy] = PyFloat.Round8(Entropy(doc));
    }

    private static int CountEllipsisLines(DocumentAnalysis doc)
    {
        var text = doc.Text.AsSpan();
        var starts = CollectionsMarshal.AsSpan(doc.LineStarts);
        var count = 0;
        for (var l = 0; l + 1 < starts.Length; l++)
        {
            var line = PyStrings.RStrip(text[starts[l]..starts[l + 1]]);
            if (line.EndsWith("...") || line.EndsWith("…")) count++;
        }
        return count;
    }

    internal static int CountNonOverlapping(ReadOnlySpan<char> text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value); i >= 0;)
        {
            count++;
            var next = text[(i + value.Length)..].IndexOf(value);
            i = next < 0 ? -1 : i + value.Length + next;
        }
        return count;
    }

    /// <summary>Σ −(c/T)·ln(c/T) over words in order of first occurrence, summed left to right as Python's sum().</summary>
    private double Entropy(DocumentAnalysis doc)
    {
        var distinct = doc.DistinctWords;
        if (_counts.Length < distinct) _counts = new int[Math.Max(distinct, _counts.Length * 2)];
        var counts = _counts.AsSpan(0, distinct);
        counts.Clear();
        foreach (var id in CollectionsMarshal.AsSpan(doc.WordIds)) counts[id]++;
        double total = doc.WordCount, sum = 0;
        foreach (var c in counts) sum += -c / total * Math.Log(c / total);
        return sum;
    }
}
