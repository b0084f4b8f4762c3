using System.Runtime.CompilerServices;
using Refinery.Text.Unicode;

namespace Refinery.Text;

/// <summary>RPv2's <c>normalize(text)</c> with every flag on (specs/RPV2_SIGNALS.md §2.1), in its order:
/// delete the 32 ASCII punctuation characters, str.lower(), strip and collapse whitespace runs to one space, NFD.
/// Reuses its buffers: the span returned is valid until the next call on the same instance.</summary>
public sealed class Rpv2Normalizer
{
    private GrowableBuffer<char> _withoutPunctuation = new(1024);
    private GrowableBuffer<char> _output = new(1024);

    public static string Normalize(string text) => new Rpv2Normalizer().Run(text).ToString();

    /// <summary>True for the characters of Python's string.punctuation.</summary>
    public static bool IsAsciiPunctuation(int c) =>
        c is >= '!' and <= '/' or >= ':' and <= '@' or >= '[' and <= '`' or >= '{' and <= '~';

    /// <summary>The byte ranges of the words of normalised text in UTF-8 (its words are the runs between spaces),
    /// appended to <paramref name="starts"/> and <paramref name="ends"/>: what MinHash shingles are cut from.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WordBounds(ReadOnlySpan<byte> utf8, List<int> starts, List<int> ends)
    {
        var start = 0;
        for (var i = 0; i <= utf8.Length; i++)
        {
            if (i < utf8.Length && utf8[i] != (byte)' ') continue;
            if (i > start) { starts.Add(start); ends.Add(i); }
            start = i + 1;
        }
    }

    // Optimised from the first call (no tier-0 code, no PGO instrumentation): a one-shot `refinery dedup` or
    // `refinery signals` spends its whole run in this loop, and tiering cost it about a tenth of its CPU.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ReadOnlySpan<char> Run(ReadOnlySpan<char> text)
    {
        // Final_Sigma looks at neighbours in the text after punctuation removal, so only a text with a capital sigma
        // needs that text materialised; every other text is normalised in one pass.
        ReadOnlySpan<char> source;
        var skipPunctuation = text.IndexOf((char)PyCaseAndNfd.CapitalSigma) < 0;
        if (skipPunctuation)
        {
            source = text;
        }
        else
        {
            _withoutPunctuation.Clear();
            foreach (var c in text)
                if (!IsAsciiPunctuation(c)) _withoutPunctuation.Append(c);
            source = _withoutPunctuation.Span;
        }

        _output.Clear();
        var pendingSpace = false;
        var nonAscii = false;
        var asciiMap = AsciiMap;
        // ASCII (nearly all web text) never grows, so a run of it is written straight into the reserved array with a
        // local index; only a non-ASCII character goes through the buffer's checked appends, then the run resumes.
        var output = _output.Reserve(source.Length + 1);
        var o = 0;
        for (var i = 0; i < source.Length; i++)
        {
            int c = source[i];
            if (c < 0x80)
            {
                var mapped = asciiMap[c];
                if (mapped == Drop) continue;
                if (mapped == Space) { pendingSpace = o > 0; continue; }
                if (pendingSpace) { output[o++] = ' '; pendingSpace = false; }
                output[o++] = mapped;
                continue;
            }
            _output.SetLength(o);
            // Canonical ordering is needed only once a non-ASCII character is written (not for a non-ASCII space).
            nonAscii |= AppendNonAscii(source, ref i, ref pendingSpace);
            output = _output.Reserve(source.Length - i + 1);
            o = _output.Length;
        }
        _output.SetLength(o);
        if (nonAscii) PyCaseAndNfd.CanonicalOrder(_output.Span);
        return _output.Span;
    }

    /// <summary>The exact Unicode path for the character at <paramref name="i"/> (advanced past a surrogate pair);
    /// false when it was whitespace and wrote nothing.</summary>
    private bool AppendNonAscii(ReadOnlySpan<char> source, ref int i, ref bool pendingSpace)
    {
        var at = i;
        var c = PyUnicode.CodePointAt(source, ref i);
        if (PyUnicode.IsSpace(c)) { pendingSpace = _output.Length > 0; return false; }
        if (pendingSpace) { _output.Append(' '); pendingSpace = false; }
        if (!PyCaseAndNfd.MayChange(c))
        {
            _output.AppendCodePoint(c);
            return true;
        }
        if (c == PyCaseAndNfd.CapitalSigma)
        {
            _output.Append((char)(PyCaseAndNfd.IsFinalSigma(source, at) ? PyCaseAndNfd.FinalSigma : PyCaseAndNfd.SmallSigma));
            return true;
        }
        if (PyCaseAndNfd.LowerOf(c) is { } lowered)
        {
            for (var k = 0; k < lowered.Length; k++)
                PyCaseAndNfd.AppendDecomposed(PyUnicode.CodePointAt(lowered, ref k), ref _output);
        }
        else
        {
            PyCaseAndNfd.AppendDecomposed(c, ref _output);
        }
        return true;
    }

    // Markers outside ASCII, so no ASCII character (NUL and U+0001 included) is mistaken for one.
    private const char Drop = '\uFFFF', Space = '\uFFFE';

    /// <summary>What each ASCII character becomes: dropped (punctuation), whitespace, or its lowercase form.</summary>
    private static readonly char[] AsciiMap = BuildAsciiMap();

    private static char[] BuildAsciiMap()
    {
        var map = new char[128];
        for (var c = 0; c < 128; c++)
            map[c] = IsAsciiPunctuation(c) ? Drop : PyUnicode.IsSpace(c) ? Space : (char)(c is >= 'A' and <= 'Z' ? c + 32 : c);
        return map;
    }
}
