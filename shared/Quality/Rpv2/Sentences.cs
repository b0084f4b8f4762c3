using Refinery.Text.Unicode;

namespace Refinery.Quality.Rpv2;

/// <summary>len(re.findall(r"\b[^.!?]+[.!?]*", text)) with Python's Unicode \b. A match starts at a word boundary
/// on a character that is not . ! or ?, runs to the next terminal character, and takes the run of terminals after it.</summary>
internal static class Sentences
{
    public static int Count(ReadOnlySpan<char> text)
    {
        var count = 0;
        var previousIsWord = false; // the character before position i; the start of text counts as non-word
        var i = 0;
        while (i < text.Length)
        {
            var at = i;
            var c = PyUnicode.CodePointAt(text, ref at);
            var isWord = PyUnicode.IsWord(c);
            if (isWord != previousIsWord && !IsTerminal(c))
            {
                count++;
                var stop = text[i..].IndexOfAny('.', '!', '?');
                if (stop < 0) break;
                i += stop;
                while (i < text.Length && IsTerminal(text[i])) i++;
                // The match ended just after a terminal character, which is never a word character.
                previousIsWord = false;
                continue;
            }
            previousIsWord = isWord;
            i = at + 1;
        }
        return count;
    }

    private static bool IsTerminal(int c) => c is '.' or '!' or '?';
}
