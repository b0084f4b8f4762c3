using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Refinery.Quality.Formats;

/// <summary>The fast path of <see cref="DocumentLine.Parse"/> for the lines real files hold: one object of string,
/// number and literal fields (nested values only in fields it skips). A kept string is found with one vectorised
/// search per escape and decoded straight from UTF-8 and its escapes into a reused char buffer, so its characters are
/// visited twice (search, transcode) and copied once into the string, where Utf8JsonReader validated, unescaped into
/// bytes, validated again and transcoded. It validates what it reads as strictly as Utf8JsonReader does; whenever a
/// line is anything else (an error, invalid UTF-8 in a kept string, an escaped key, a lone surrogate) it declines and
/// the reader parses the line, so errors and their messages stay the reader's.</summary>
internal static class DocumentLineScanner
{
    /// <summary>What ends a run of plain string bytes: the closing quote, an escape, or a control byte (malformed).</summary>
    private static readonly SearchValues<byte> StringStops = SearchValues.Create([.. Enumerable.Range(0, 0x20).Select(b => (byte)b), (byte)'"', (byte)'\\']);

    /// <summary>A nested value is skipped by a reader that starts one level down, so its depth limit is one less.</summary>
    private static readonly JsonReaderOptions NestedOptions = new() { MaxDepth = DocumentLine.MaxDepth - 1 };

    [ThreadStatic] private static char[]? _chars;

    private enum Name { Other, Id, Text, RawContent, Url, Language, Lang, Score }

    /// <summary>The line's fields, or false when the line must go to the reader (which may accept it or throw).</summary>
    public static bool TryParse(ReadOnlySpan<byte> line, out DocumentLine document)
    {
        document = default;
        string? id = null, text = null, rawContent = null, url = null, language = null, lang = null;
        double? score = null;
        var i = SkipSpace(line, 0);
        if (i == line.Length || line[i] != (byte)'{') return false;
        i = SkipSpace(line, i + 1);
        if (i < line.Length && line[i] == (byte)'}') i++;
        else
        {
            while (true)
            {
                if (i == line.Length || line[i] != (byte)'"') return false;
                var keyLength = line[(i + 1)..].IndexOfAny(StringStops);
                if (keyLength < 0 || line[i + 1 + keyLength] != (byte)'"') return false;   // escaped keys go to the reader
                var name = NameOf(line.Slice(i + 1, keyLength));
                i = SkipSpace(line, i + keyLength + 2);
                if (i == line.Length || line[i] != (byte)':') return false;
                i = SkipSpace(line, i + 1);
                if (i == line.Length) return false;

                // Like the reader: the last occurrence of a field wins, and a value of the wrong type reads as null.
                string? value = null;
                double? number = null;
                var start = i;
                switch (line[i])
                {
                    case (byte)'"':
                        if (name is Name.Other or Name.Score) { if (!TrySkipString(line, ref i)) return false; }
                        else if (!TryReadString(line, ref i, out value)) return false;
                        break;
                    case (byte)'{' or (byte)'[':
                        if (!TrySkipNested(line, ref i)) return false;
                        break;
                    case (byte)'t': if (!TrySkipLiteral(line, ref i, "true"u8)) return false; break;
                    case (byte)'f': if (!TrySkipLiteral(line, ref i, "false"u8)) return false; break;
                    case (byte)'n': if (!TrySkipLiteral(line, ref i, "null"u8)) return false; break;
                    default:
                        if (!TrySkipNumber(line, ref i)) return false;
                        if (name == Name.Id) value = Encoding.UTF8.GetString(line[start..i]);
                        if (name == Name.Score)
                        {
                            var reader = new Utf8JsonReader(line[start..i]);
                            reader.Read();
                            if (!reader.TryGetDouble(out var parsed)) return false;   // out of range: the reader decides
                            number = parsed;
                        }
                        break;
                }
                switch (name)
                {
                    case Name.Id: id = value; break;
                    case Name.Text: text = value; break;
                    case Name.RawContent: rawContent = value; break;
                    case Name.Url: url = value; break;
                    case Name.Language: language = value; break;
                    case Name.Lang: lang = value; break;
                    case Name.Score: score = number; break;
                }

                i = SkipSpace(line, i);
                if (i == line.Length) return false;
                if (line[i] == (byte)'}')
                {
                    i++;
                    break;
                }
                if (line[i] != (byte)',') return false;
                i = SkipSpace(line, i + 1);
            }
        }
        if (SkipSpace(line, i) != line.Length) return false;
        document = new DocumentLine(id, text ?? rawContent, url, language ?? lang, score);
        return true;
    }

    private static Name NameOf(ReadOnlySpan<byte> key) => key.Length switch
    {
        2 when key.SequenceEqual("id"u8) => Name.Id,
        3 when key.SequenceEqual("url"u8) => Name.Url,
        4 when key.SequenceEqual("text"u8) => Name.Text,
        4 when key.SequenceEqual("lang"u8) => Name.Lang,
        8 when key.SequenceEqual("language"u8) => Name.Language,
        10 when key.SequenceEqual("lang_score"u8) => Name.Score,
        11 when key.SequenceEqual("raw_content"u8) => Name.RawContent,
        14 when key.SequenceEqual("language_score"u8) => Name.Score,
        _ => Name.Other,
    };

    private static int SkipSpace(ReadOnlySpan<byte> line, int i)
    {
        while (i < line.Length && line[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') i++;
        return i;
    }

    /// <summary>Decodes the string at <paramref name="i"/> (its opening quote); on success <paramref name="i"/> is past
    /// the closing quote. Declines on invalid UTF-8 (the reader's path replaces it) and on anything the reader rejects.</summary>
    private static bool TryReadString(ReadOnlySpan<byte> line, ref int i, out string? value)
    {
        value = null;
        // UTF-16 never needs more units than the UTF-8 bytes it comes from, nor an escape more than its own length.
        var capacity = line.Length - i;
        if (_chars is null || _chars.Length < capacity) _chars = new char[Math.Max(capacity, 64 * 1024)];
        var chars = _chars.AsSpan();
        var written = 0;
        var j = i + 1;
        while (true)
        {
            var plain = line[j..].IndexOfAny(StringStops);
            if (plain < 0) return false;
            if (plain > 0)
            {
                if (Utf8.ToUtf16(line.Slice(j, plain), chars[written..], out _, out var decoded, replaceInvalidSequences: false)
                    != OperationStatus.Done) return false;
                written += decoded;
                j += plain;
            }
            switch (line[j])
            {
                case (byte)'"':
                    value = new string(chars[..written]);
                    i = j + 1;
                    return true;
                case (byte)'\\':
                    if (!TryUnescape(line, ref j, chars, ref written)) return false;
                    break;
                default:
                    return false;   // a raw control character
            }
        }
    }

    /// <summary>Decodes the escape at <paramref name="j"/> (its backslash) into <paramref name="chars"/>. A \u escape of
    /// a surrogate must be a high one followed by an escaped low one, as the reader requires.</summary>
    private static bool TryUnescape(ReadOnlySpan<byte> line, ref int j, Span<char> chars, ref int written)
    {
        if (j + 1 >= line.Length) return false;
        char simple;
        switch (line[j + 1])
        {
            case (byte)'"': simple = '"'; break;
            case (byte)'\\': simple = '\\'; break;
            case (byte)'/': simple = '/'; break;
            case (byte)'n': simple = '\n'; break;
            case (byte)'t': simple = '\t'; break;
            case (byte)'r': simple = '\r'; break;
            case (byte)'b': simple = '\b'; break;
            case (byte)'f': simple = '\f'; break;
            case (byte)'u':
                if (!TryHex4(line, j + 2, out var unit)) return false;
                if (!char.IsSurrogate(unit))
                {
                    chars[written++] = unit;
                    j += 6;
                    return true;
                }
                if (!char.IsHighSurrogate(unit) || j + 7 >= line.Length || line[j + 6] != (byte)'\\' || line[j + 7] != (byte)'u'
                    || !TryHex4(line, j + 8, out var low) || !char.IsLowSurrogate(low)) return false;
                chars[written++] = unit;
                chars[written++] = low;
                j += 12;
                return true;
            default:
                return false;
        }
        chars[written++] = simple;
        j += 2;
        return true;
    }

    /// <summary>Steps over the string at <paramref name="i"/>, checking its escapes as the reader does (which leaves
    /// the pairing of surrogates to whoever decodes the string).</summary>
    private static bool TrySkipString(ReadOnlySpan<byte> line, ref int i)
    {
        var j = i + 1;
        while (true)
        {
            var plain = line[j..].IndexOfAny(StringStops);
            if (plain < 0) return false;
            j += plain;
            if (line[j] == (byte)'"')
            {
                i = j + 1;
                return true;
            }
            if (line[j] != (byte)'\\' || j + 1 >= line.Length) return false;
            switch (line[j + 1])
            {
                case (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'n' or (byte)'t' or (byte)'r' or (byte)'b' or (byte)'f':
                    j += 2;
                    break;
                case (byte)'u':
                    if (!TryHex4(line, j + 2, out _)) return false;
                    j += 6;
                    break;
                default:
                    return false;
            }
        }
    }

    /// <summary>Four hex digits, either case. Unrolled: ensure_ascii files escape every non-ASCII character this way.</summary>
    private static bool TryHex4(ReadOnlySpan<byte> line, int at, out char unit)
    {
        unit = '\0';
        if (at + 4 > line.Length) return false;
        var digits = line.Slice(at, 4);
        // An invalid digit is -1, which makes the whole value negative.
        var value = HexDigit(digits[0]) << 12 | HexDigit(digits[1]) << 8 | HexDigit(digits[2]) << 4 | HexDigit(digits[3]);
        if (value < 0) return false;
        unit = (char)value;
        return true;
    }

    private static int HexDigit(byte b)
    {
        var digit = b - '0';
        if ((uint)digit <= 9) return digit;
        var letter = (b | 0x20) - 'a';
        return (uint)letter <= 5 ? letter + 10 : -1;
    }

    /// <summary>An object or array in a field: the reader skips it (with its own checks), starting at its first byte.</summary>
    private static bool TrySkipNested(ReadOnlySpan<byte> line, ref int i)
    {
        var reader = new Utf8JsonReader(line[i..], NestedOptions);
        try
        {
            reader.Read();
            reader.Skip();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return false;
        }
        i += (int)reader.BytesConsumed;
        return true;
    }

    private static bool TrySkipLiteral(ReadOnlySpan<byte> line, ref int i, ReadOnlySpan<byte> literal)
    {
        if (!line[i..].StartsWith(literal)) return false;
        i += literal.Length;
        return true;
    }

    /// <summary>JSON's number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?; what may follow is checked by the caller.</summary>
    private static bool TrySkipNumber(ReadOnlySpan<byte> line, ref int i)
    {
        var j = i;
        if (j < line.Length && line[j] == (byte)'-') j++;
        if (j == line.Length) return false;
        if (line[j] == (byte)'0') j++;
        else if (char.IsAsciiDigit((char)line[j])) j = SkipDigits(line, j);
        else return false;
        if (j < line.Length && line[j] == (byte)'.')
        {
            var digits = ++j;
            j = SkipDigits(line, j);
            if (j == digits) return false;
        }
        if (j < line.Length && line[j] is (byte)'e' or (byte)'E')
        {
            j++;
            if (j < line.Length && line[j] is (byte)'+' or (byte)'-') j++;
            var digits = j;
            j = SkipDigits(line, j);
            if (j == digits) return false;
        }
        i = j;
        return true;
    }

    private static int SkipDigits(ReadOnlySpan<byte> line, int j)
    {
        while (j < line.Length && char.IsAsciiDigit((char)line[j])) j++;
        return j;
    }
}
