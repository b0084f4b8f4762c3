using Refinery.Text.Unicode;

namespace Refinery.Text;

/// <summary>NLTK's WordPunctTokenizer, <c>\w+|[^\w\s]+</c> with Python's Unicode <c>\w</c> and <c>\s</c>:
/// runs of word characters and runs of other non-space characters become separate tokens.</summary>
public static class WordPunct
{
    /// <summary>Appends each token's UTF-16 start and end (exclusive) to <paramref name="bounds"/> as pairs.</summary>
    public static void Tokenize(ReadOnlySpan<char> text, List<int> bounds)
    {
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            var c = PyUnicode.CodePointAt(text, ref i);
            i++;
            if (PyUnicode.IsSpace(c)) continue;
            var word = PyUnicode.IsWord(c);
            while (i < text.Length)
            {
                var next = i;
                var d = PyUnicode.CodePointAt(text, ref next);
                if (PyUnicode.IsSpace(d) || PyUnicode.IsWord(d) != word) break;
                i = next + 1;
            }
            bounds.Add(start);
            bounds.Add(i);
        }
    }
}
