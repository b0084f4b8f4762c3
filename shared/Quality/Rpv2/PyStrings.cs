using Refinery.Text.Unicode;

namespace Refinery.Quality.Rpv2;

/// <summary>str.strip() variants with Python's whitespace.</summary>
internal static class PyStrings
{
    public static ReadOnlySpan<char> RStrip(ReadOnlySpan<char> s)
    {
        var end = s.Length;
        while (end > 0)
        {
            var c = PyUnicode.CodePointBefore(s, end, out var start);
            if (!PyUnicode.IsSpace(c)) break;
            end = start;
        }
        return s[..end];
    }

    public static ReadOnlySpan<char> LStrip(ReadOnlySpan<char> s)
    {
        var i = 0;
        while (i < s.Length)
        {
            var at = i;
            var c = PyUnicode.CodePointAt(s, ref at);
            if (!PyUnicode.IsSpace(c)) break;
            i = at + 1;
        }
        return s[i..];
    }
}
