using System.Buffers;
using System.Runtime.InteropServices;
using Refinery.Text;
using Refinery.Text.Unicode;

namespace Refinery.Quality.Rpv2;

/// <summary>RPv2's raw words (RW, <see cref="WordPunct"/>) and, in the same pass over the characters, two counts
/// natural_language.py takes over them: tokens that are str.isupper() and tokens matching re.search("[a-zA-Z]")
/// (ASCII letters only, as RPv2 wrote it). ASCII tokens, nearly all of them, need no table lookups; the others take
/// the general path. <see cref="WordPunct.Tokenize"/> and the plain counts are the reference a test compares with.</summary>
internal static class RawTokens
{
    private const byte Space = 0, Word = 1, Other = 2, ClassBits = 3;
    /// <summary>Case bits beside the class in <see cref="AsciiClass"/>: an upper- or lower-case ASCII letter.</summary>
    private const int Upper = 4, Lower = 8, Cases = Upper | Lower;
    private static readonly byte[] AsciiClass = BuildAsciiClasses();
    private static readonly SearchValues<char> AsciiLetters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    public static (int Upper, int AsciiLetter) Tokenize(ReadOnlySpan<char> text, List<int> bounds)
    {
        // Tokens are written through a span over the list sized for the most tokens the text can hold (one character
        // each), then trimmed: two List.Add calls per token, with their checks, cost about as much as the scan.
        var written = bounds.Count;
        CollectionsMarshal.SetCount(bounds, written + 2 * text.Length);
        var output = CollectionsMarshal.AsSpan(bounds);
        var asciiClass = AsciiClass;
        int upper = 0, letter = 0;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            var kind = ClassAt(text, ref i);
            if (kind == Space) continue;
            var first = text[start];
            var nonAscii = first >= 128;
            // The class and the case of every ASCII character come from one lookup; the case bits accumulate.
            var cases = nonAscii ? 0 : asciiClass[first] & Cases;
            if (!nonAscii)
            {
                // The common case: the token runs on over ASCII characters of its class, one table lookup each.
                while (i < text.Length && text[i] < 128)
                {
                    var c = asciiClass[text[i]];
                    if ((c & ClassBits) != kind) break;
                    cases |= c;
                    i++;
                }
            }
            while (i < text.Length)
            {
                var next = i;
                if (ClassAt(text, ref next) != kind) break;
                var c = text[i];
                nonAscii |= c >= 128;
                if (c < 128) cases |= asciiClass[c];
                i = next;
            }
            output[written++] = start;
            output[written++] = i;
            if (!nonAscii)
            {
                // ASCII: the only cased characters are the letters.
                if ((cases & Cases) == Upper) upper++;
                if ((cases & Cases) != 0) letter++;
                continue;
            }
            var token = text[start..i];
            if (PyUnicode.IsUpperToken(token)) upper++;
            if (token.IndexOfAny(AsciiLetters) >= 0) letter++;
        }
        CollectionsMarshal.SetCount(bounds, written);
        return (upper, letter);
    }

    /// <summary>The class of the code point at <paramref name="i"/>, advancing past it.</summary>
    private static byte ClassAt(ReadOnlySpan<char> text, ref int i)
    {
        int c = text[i];
        if (c < 128)
        {
            i++;
            return (byte)(AsciiClass[c] & ClassBits);
        }
        c = PyUnicode.CodePointAt(text, ref i);
        i++;
        return PyUnicode.IsSpace(c) ? Space : PyUnicode.IsWord(c) ? Word : Other;
    }

    private static byte[] BuildAsciiClasses()
    {
        var classes = new byte[128];
        for (var c = 0; c < 128; c++)
            classes[c] = (byte)((PyUnicode.IsSpace(c) ? Space : PyUnicode.IsWord(c) ? Word : Other)
                | (char.IsAsciiLetterUpper((char)c) ? Upper : 0) | (char.IsAsciiLetterLower((char)c) ? Lower : 0));
        return classes;
    }
}
