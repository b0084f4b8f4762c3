using System.Buffers;
using Refinery.Text;
using Refinery.Text.Unicode;

namespace Refinery.Quality.Rpv2;

/// <summary>RPv2's raw words (RW, <see cref="WordPunct"/>) and, in the same pass over the characters, two counts
/// natural_language.py takes over them: tokens that are str.isupper() and tokens matching re.search("[a-zA-Z]")
/// (ASCII letters only, as RPv2 wrote it). ASCII tokens, nearly all of them, need no table lookups; the others take
/// the general path. <see cref="WordPunct.Tokenize"/> and the plain counts are the reference a test compares with.</summary>
internal static class RawTokens
{
    private const byte Space = 0, Word = 1, Other = 2;
    private static readonly byte[] AsciiClass = BuildAsciiClasses();
    private static readonly SearchValues<char> AsciiLetters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    public static (int Upper, int AsciiLetter) Tokenize(ReadOnlySpan<char> text, List<int> bounds)
    {
        int upper = 0, letter = 0;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            var kind = ClassAt(text, ref i);
            if (kind == Space) continue;
            bool hasUpper = false, hasLower = false, nonAscii = text[start] >= 128;
            Note(text[start], ref hasUpper, ref hasLower);
            if (!nonAscii)
            {
                // The common case: the token runs on over ASCII characters of its class, one table lookup each.
                var asciiClass = AsciiClass;
                while (i < text.Length && text[i] < 128 && asciiClass[text[i]] == kind)
                {
                    Note(text[i], ref hasUpper, ref hasLower);
                    i++;
                }
            }
            while (i < text.Length)
            {
                var next = i;
                if (ClassAt(text, ref next) != kind) break;
                var c = text[i];
                nonAscii |= c >= 128;
                Note(c, ref hasUpper, ref hasLower);
                i = next;
            }
            bounds.Add(start);
            bounds.Add(i);
            if (!nonAscii)
            {
                // ASCII: the only cased characters are the letters.
                if (hasUpper && !hasLower) upper++;
                if (hasUpper || hasLower) letter++;
                continue;
            }
            var token = text[start..i];
            if (PyUnicode.IsUpperToken(token)) upper++;
            if (token.IndexOfAny(AsciiLetters) >= 0) letter++;
        }
        return (upper, letter);
    }

    /// <summary>The class of the code point at <paramref name="i"/>, advancing past it.</summary>
    private static byte ClassAt(ReadOnlySpan<char> text, ref int i)
    {
        int c = text[i];
        if (c < 128)
        {
            i++;
            return AsciiClass[c];
        }
        c = PyUnicode.CodePointAt(text, ref i);
        i++;
        return PyUnicode.IsSpace(c) ? Space : PyUnicode.IsWord(c) ? Word : Other;
    }

    private static void Note(char c, ref bool hasUpper, ref bool hasLower)
    {
        hasUpper |= (uint)(c - 'A') < 26;
        hasLower |= (uint)(c - 'a') < 26;
    }

    private static byte[] BuildAsciiClasses()
    {
        var classes = new byte[128];
        for (var c = 0; c < 128; c++) classes[c] = PyUnicode.IsSpace(c) ? Space : PyUnicode.IsWord(c) ? Word : Other;
        return classes;
    }
}
