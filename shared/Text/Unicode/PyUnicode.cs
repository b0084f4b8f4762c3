using System.Runtime.CompilerServices;

namespace Refinery.Text.Unicode;

/// <summary>Character properties exactly as CPython 3.11 (Unicode 14.0) defines them for str methods and re:
/// whitespace, <c>\w</c>, isupper/islower/istitle, isnumeric, and the cased/case-ignorable pair of the
/// Final_Sigma rule. .NET differs on each (specs/RPV2_SIGNALS.md §2.7), so the tables come from CPython.</summary>
public static class PyUnicode
{
    public const string UnicodeVersion = PythonUnicodeTables.UnicodeVersion;

    private const byte Space = 1, Word = 2, Upper = 4, Lower = 8, Title = 16, Numeric = 32, CaseIgnorable = 64, Cased = 128;
    private const int CodePoints = 0x110000;

    // One byte of flags per code point (1.1 MB): a single load on the hot path, no branches on ranges.
    private static readonly byte[] Flags = Expand(PythonUnicodeTables.FlagRanges);
    private static readonly byte[] CombiningClasses = Expand(PythonUnicodeTables.CombiningClassRanges);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsSpace(int c) => (Flags[c] & Space) != 0;

    /// <summary>re's <c>\w</c> for str patterns: str.isalnum() or '_'.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsWord(int c) => (Flags[c] & Word) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsUpper(int c) => (Flags[c] & Upper) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsLower(int c) => (Flags[c] & Lower) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsTitle(int c) => (Flags[c] & Title) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsNumeric(int c) => (Flags[c] & Numeric) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsCaseIgnorable(int c) => (Flags[c] & CaseIgnorable) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsCased(int c) => (Flags[c] & Cased) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CombiningClass(int c) => CombiningClasses[c];

    /// <summary>str.isupper() of a token: at least one uppercase character and no lowercase or titlecase one.</summary>
    public static bool IsUpperToken(ReadOnlySpan<char> token)
    {
        var cased = false;
        for (var i = 0; i < token.Length; i++)
        {
            var c = CodePointAt(token, ref i);
            var f = Flags[c];
            if ((f & (Lower | Title)) != 0) return false;
            if ((f & Upper) != 0) cased = true;
        }
        return cased;
    }

    /// <summary>The code point at <paramref name="i"/>; advances <paramref name="i"/> past a surrogate pair's first half.
    /// A lone surrogate is returned as itself, as Python keeps it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CodePointAt(ReadOnlySpan<char> text, ref int i)
    {
        int c = text[i];
        if ((uint)(c - 0xD800) < 0x400 && i + 1 < text.Length && (uint)(text[i + 1] - 0xDC00) < 0x400)
        {
            c = 0x10000 + ((c - 0xD800) << 10) + (text[i + 1] - 0xDC00);
            i++;
        }
        return c;
    }

    /// <summary>The code point that ends just before <paramref name="end"/>, and where it starts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CodePointBefore(ReadOnlySpan<char> text, int end, out int start)
    {
        start = end - 1;
        int c = text[start];
        if ((uint)(c - 0xDC00) < 0x400 && start > 0 && (uint)(text[start - 1] - 0xD800) < 0x400)
        {
            start--;
            c = 0x10000 + ((text[start] - 0xD800) << 10) + (c - 0xDC00);
        }
        return c;
    }

    /// <summary>Python's len(): code points, where a well-formed surrogate pair counts once.</summary>
    public static int CodePointCount(ReadOnlySpan<char> text)
    {
        var pairs = 0;
        for (var i = 0; i + 1 < text.Length; i++)
            if ((uint)(text[i] - 0xD800) < 0x400 && (uint)(text[i + 1] - 0xDC00) < 0x400) { pairs++; i++; }
        return text.Length - pairs;
    }

    private static byte[] Expand(ReadOnlySpan<int> ranges)
    {
        var table = new byte[CodePoints];
        for (var i = 0; i < ranges.Length; i += 3)
            table.AsSpan(ranges[i], ranges[i + 1] - ranges[i]).Fill((byte)ranges[i + 2]);
        return table;
    }
}
