using System.Globalization;
using System.Text;

namespace Refinery.Contracts.Names;

/// <summary>The Unicode rules every user-supplied name, key and text is held to: what a reader cannot see or a
/// system cannot store is refused, with the code point and where it is, so the client can find it.</summary>
public static class UnicodeRules
{
    /// <summary>For names and keys: null when <paramref name="value"/> has no control (Cc), format (Cf: bidirectional
    /// overrides, zero-width characters, the BOM), line or paragraph separator, private-use or unassigned code point,
    /// no U+FFFD and no lone surrogate; else what it contains ("contains U+202E (an invisible format character) at index 3").</summary>
    public static string? NameProblem(string value) => Problem(value, allowLineBreaks: false);

    /// <summary>For free text (descriptions, recipes): as <see cref="NameProblem"/>, except that tab, line feed and
    /// carriage return, format characters (emoji and scripts need zero-width joiners) and private-use characters are
    /// text; NUL and the other control characters are not (PostgreSQL cannot store NUL), nor lone surrogates.</summary>
    public static string? TextProblem(string value) => Problem(value, allowLineBreaks: true);

    private static string? Problem(string value, bool allowLineBreaks)
    {
        for (var i = 0; i < value.Length;)
        {
            if (Rune.DecodeFromUtf16(value.AsSpan(i), out var rune, out var used) != System.Buffers.OperationStatus.Done)
                return $"contains a lone surrogate U+{(int)value[i]:X4} (not valid UTF-16) at index {i}";
            if (Refused(rune, allowLineBreaks) is { } what) return $"contains U+{rune.Value:X4} ({what}) at index {i}";
            i += used;
        }
        return null;
    }

    private static string? Refused(Rune rune, bool text) => Rune.GetUnicodeCategory(rune) switch
    {
        // What a decoder puts for bytes that were not UTF-8 (a file name in a multipart header): the name is not the one sent.
        _ when !text && rune == Rune.ReplacementChar => "the replacement character, left where the text was not valid UTF-8",
        UnicodeCategory.Control when text && rune.Value is '\t' or '\n' or '\r' => null,
        UnicodeCategory.Control => "a control character",
        UnicodeCategory.Format when !text => "an invisible format character",
        UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator when !text => "a line or paragraph separator",
        UnicodeCategory.PrivateUse when !text => "a private-use character",
        UnicodeCategory.OtherNotAssigned => "an unassigned code point",
        _ => null,
    };
}
