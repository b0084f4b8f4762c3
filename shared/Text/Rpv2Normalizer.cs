using Refinery.Text.Unicode;

namespace Refinery.Text;

/// <summary>RPv2's <c>normalize(text)</c> with every flag on (specs/RPV2_SIGNALS.md §2.1), in its order:
/// delete the 32 ASCII punctuation characters, str.lower(), strip and collapse whitespace runs to one space, NFD.
/// Reuses its buffers: the span returned is valid until the next call on the same instance.</summary>
public sealed class Rpv2Normalizer
{
    private CharBuffer _withoutPunctuation = new(1024);
    private CharBuffer _output = new(1024);

    public static string Normalize(string text) => new Rpv2Normalizer().Run(text).ToString();

    /// <summary>True for the characters of Python's string.punctuation.</summary>
    public static bool IsAsciiPunctuation(int c) =>
        c is >= '!' and <= '/' or >= ':' and <= '@' or >= '[' and <= '`' or >= '{' and <= '~';

    public ReadOnlySpan<char> Run(ReadOnlySpan<char> text)
    {
        _withoutPunctuation.Clear();
        foreach (var c in text)
            if (!IsAsciiPunctuation(c)) _withoutPunctuation.Append(c);
        var source = _withoutPunctuation.Span;

        _output.Clear();
        var pendingSpace = false;
        var nonAscii = false;
        for (var i = 0; i < source.Length; i++)
        {
            int c = source[i];
            if (c < 0x80)
            {
                if (PyUnicode.IsSpace(c)) { pendingSpace = _output.Length > 0; continue; }
                if (pendingSpace) { _output.Append(' '); pendingSpace = false; }
                _output.Append((char)(c is >= 'A' and <= 'Z' ? c + 32 : c));
                continue;
            }
            var at = i;
            c = PyUnicode.CodePointAt(source, ref i);
            if (PyUnicode.IsSpace(c)) { pendingSpace = _output.Length > 0; continue; }
            if (pendingSpace) { _output.Append(' '); pendingSpace = false; }
            nonAscii = true;
            if (!PyCaseAndNfd.MayChange(c))
            {
                _output.AppendCodePoint(c);
                continue;
            }
            if (c == PyCaseAndNfd.CapitalSigma)
            {
                _output.Append((char)(PyCaseAndNfd.IsFinalSigma(source, at) ? PyCaseAndNfd.FinalSigma : PyCaseAndNfd.SmallSigma));
                continue;
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
        }
        if (nonAscii) PyCaseAndNfd.CanonicalOrder(_output.Span);
        return _output.Span;
    }
}
