using System.Globalization;
using System.Text;

namespace Refinery.Quality.Models;

/// <summary>The two tokenisations the model signals use: RPv2's raw words, and CCNet-style normalised words.</summary>
internal static class ModelTokenizer
{
    /// <summary>NLTK WordPunct, <c>\w+|[^\w\s]+</c>, on raw text (RPv2's raw words), with Python's exact <c>\w</c>
    /// and whitespace from <see cref="Refinery.Text.WordPunct"/>.</summary>
    public static List<string> WordPunct(string text)
    {
        var bounds = new List<int>();
        Refinery.Text.WordPunct.Tokenize(text, bounds);
        var tokens = new List<string>(bounds.Count / 2);
        for (var t = 0; t < bounds.Count; t += 2) tokens.Add(text[bounds[t]..bounds[t + 1]]);
        return tokens;
    }

    /// <summary>CCNet-style normalised tokens of one line for the language model and the classifier: lower case,
    /// accents stripped, digits replaced by 0 (as CCNet's normaliser does), then split into WordPunct tokens so that
    /// punctuation never sticks to a word (CCNet's SentencePiece step separates it too).</summary>
    public static List<string> NormalisedWords(string line) => WordPunct(Normalise(line));

    /// <summary>The normalisation step alone (lower case, NFD without combining marks, digits → 0).</summary>
    public static string Normalise(string line)
    {
        var decomposed = line.ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var rune in decomposed.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category == UnicodeCategory.NonSpacingMark) continue;
            if (category == UnicodeCategory.DecimalDigitNumber) { sb.Append('0'); continue; }
            sb.Append(rune.ToString());
        }
        return sb.ToString();
    }
}
