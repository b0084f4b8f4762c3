using System.Globalization;
using System.Text;

namespace Refinery.Quality.Models;

/// <summary>The two tokenisations the model signals use, kept here so each can be swapped for the exact
/// Refinery.Text ports (Python <c>\w</c>, whitespace and <c>lower()</c>) without touching the models.</summary>
internal static class ModelTokenizer
{
    /// <summary>NLTK WordPunct, <c>\w+|[^\w\s]+</c>, on raw text (RPv2's raw words). Approximates Python's <c>\w</c>
    /// with .NET categories: letters, Nd/Nl/No and '_' (not combining marks, as in Python).</summary>
    public static List<string> WordPunct(string text)
    {
        var tokens = new List<string>();
        var start = -1;
        var startIsWord = false;
        var i = 0;
        while (i < text.Length)
        {
            Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var width);
            var kind = Classify(rune);
            if (kind == CharKind.Space)
            {
                if (start >= 0) tokens.Add(text[start..i]);
                start = -1;
            }
            else if (start < 0 || startIsWord != (kind == CharKind.Word))
            {
                if (start >= 0) tokens.Add(text[start..i]);
                start = i;
                startIsWord = kind == CharKind.Word;
            }
            i += width;
        }
        if (start >= 0) tokens.Add(text[start..]);
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

    private enum CharKind { Word, Space, Other }

    private static CharKind Classify(Rune rune)
    {
        if (IsPythonSpace(rune.Value)) return CharKind.Space;
        if (rune.Value == '_') return CharKind.Word;
        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
                or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber
                => CharKind.Word,
            _ => CharKind.Other,
        };
    }

    // Python's str.isspace set (spec §2.7), which includes U+001C–001F unlike char.IsWhiteSpace.
    private static bool IsPythonSpace(int c) =>
        c is (>= 0x09 and <= 0x0D) or (>= 0x1C and <= 0x20) or 0x85 or 0xA0 or 0x1680 or (>= 0x2000 and <= 0x200A)
            or 0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000;
}
