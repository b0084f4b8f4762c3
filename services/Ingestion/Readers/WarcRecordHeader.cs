using System.Buffers.Text;
using System.Text;

namespace Refinery.Ingestion.Readers;

/// <summary>The named fields of a WARC record header that the reader uses.</summary>
internal sealed class WarcRecordHeader
{
    public string Version { get; private init; } = "";
    public string? Type { get; private set; }
    public long ContentLength { get; private set; } = -1;
    public string? TargetUri { get; private set; }
    public string? RecordId { get; private set; }
    public string? Date { get; private set; }
    public string? Language { get; private set; }
    public string? ContentType { get; private set; }

    /// <summary>Header lines end in a bare LF, not CRLF: a text-normalised file (cc_net's WET samples) whose
    /// Content-Length values were computed before the conversion and cannot be trusted.</summary>
    public bool LfFramed { get; private init; }

    /// <summary>Bytes of the header including the blank line that ends it.</summary>
    public int Length { get; private init; }

    public enum Status { NeedMore, Parsed, Bad }

    /// <summary>Parses the header at the start of <paramref name="data"/>. NeedMore when its end is not buffered yet.</summary>
    public static Status TryParse(ReadOnlySpan<byte> data, int maxHeaderBytes, out WarcRecordHeader? header, out string? error)
    {
        header = null;
        error = null;
        var firstLineEnd = data.IndexOf((byte)'\n');
        if (firstLineEnd < 0) return Status.NeedMore;
        var firstLine = TrimCr(data[..firstLineEnd]);
        if (!firstLine.StartsWith("WARC/"u8))
        {
            error = $"record does not start with a WARC/ version line: '{Printable(firstLine)}'";
            return Status.Bad;
        }

        var head = data.Length > maxHeaderBytes ? data[..maxHeaderBytes] : data;
        var crlfEnd = head.IndexOf("\r\n\r\n"u8);
        var lfEnd = (crlfEnd >= 0 ? head[..crlfEnd] : head).IndexOf("\n\n"u8);
        int end, terminator;
        if (lfEnd >= 0) (end, terminator) = (lfEnd, 2);
        else if (crlfEnd >= 0) (end, terminator) = (crlfEnd, 4);
        else if (data.Length >= maxHeaderBytes)
        {
            error = $"no end of header within {maxHeaderBytes} bytes";
            return Status.Bad;
        }
        else return Status.NeedMore;

        var parsed = new WarcRecordHeader
        {
            Version = Encoding.ASCII.GetString(firstLine),
            LfFramed = terminator == 2,
            Length = end + terminator,
        };
        var rest = data[(firstLineEnd + 1)..end];
        while (!rest.IsEmpty)
        {
            var lineEnd = rest.IndexOf((byte)'\n');
            var line = TrimCr(lineEnd < 0 ? rest : rest[..lineEnd]);
            rest = lineEnd < 0 ? [] : rest[(lineEnd + 1)..];
            if (line.IsEmpty || line[0] is (byte)' ' or (byte)'\t') continue;   // folded continuation: none of our fields use it
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                error = $"malformed header line '{Printable(line)}'";
                return Status.Bad;
            }
            var name = line[..colon].Trim((byte)' ');
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                if (!Utf8Parser.TryParse(value, out long length, out var used) || used != value.Length || length < 0)
                {
                    error = $"invalid Content-Length '{Printable(value)}'";
                    return Status.Bad;
                }
                parsed.ContentLength = length;
            }
            else if (Ascii.EqualsIgnoreCase(name, "WARC-Type"u8)) parsed.Type = Encoding.UTF8.GetString(value).ToLowerInvariant();
            else if (Ascii.EqualsIgnoreCase(name, "WARC-Target-URI"u8)) parsed.TargetUri = Unbracket(Encoding.UTF8.GetString(value));
            else if (Ascii.EqualsIgnoreCase(name, "WARC-Record-ID"u8)) parsed.RecordId = RecordIdOf(Encoding.UTF8.GetString(value));
            else if (Ascii.EqualsIgnoreCase(name, "WARC-Date"u8)) parsed.Date = Encoding.UTF8.GetString(value);
            else if (Ascii.EqualsIgnoreCase(name, "WARC-Identified-Content-Language"u8)) parsed.Language = Encoding.UTF8.GetString(value);
            else if (Ascii.EqualsIgnoreCase(name, "Content-Type"u8)) parsed.ContentType = Encoding.UTF8.GetString(value);
        }
        if (parsed.ContentLength < 0)
        {
            error = "header has no Content-Length";
            return Status.Bad;
        }
        header = parsed;
        return Status.Parsed;
    }

    /// <summary>A synthetic header for an ARC record, so both formats share the payload handling.</summary>
    public static WarcRecordHeader ForArc(string url, string date, long length) => new()
    {
        Version = "ARC",
        Type = "response",
        TargetUri = url,
        Date = date,
        ContentLength = length,
    };

    internal static ReadOnlySpan<byte> TrimCr(ReadOnlySpan<byte> line) =>
        !line.IsEmpty && line[^1] == (byte)'\r' ? line[..^1] : line;

    internal static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.UTF8.GetString(bytes[..Math.Min(bytes.Length, 80)]);
        return string.Create(text.Length, text, static (span, s) =>
        {
            for (var i = 0; i < s.Length; i++) span[i] = char.IsControl(s[i]) ? '?' : s[i];
        });
    }

    // wget writes <https://…>; WARC 1.1 does not bracket the URI.
    private static string Unbracket(string value) =>
        value.Length >= 2 && value[0] == '<' && value[^1] == '>' ? value[1..^1] : value;

    private static string RecordIdOf(string value)
    {
        var id = Unbracket(value);
        return id.StartsWith("urn:uuid:", StringComparison.OrdinalIgnoreCase) ? id["urn:uuid:".Length..] : id;
    }
}
