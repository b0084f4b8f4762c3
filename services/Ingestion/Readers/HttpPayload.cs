using System.Buffers.Text;
using System.IO.Compression;
using System.Text;

namespace Refinery.Ingestion.Readers;

/// <summary>The HTTP response inside a WARC/ARC response record: status, the headers we need, and the entity body
/// with chunked transfer-coding and gzip/deflate/br content-coding undone.</summary>
internal readonly struct HttpPayload
{
    public int Status { get; private init; }
    public string? ContentType { get; private init; }
    public string? TransferEncoding { get; private init; }
    public string? ContentEncoding { get; private init; }
    public int BodyOffset { get; private init; }

    /// <summary>The media type without parameters, lower case ("text/html"); empty when absent.</summary>
    public string MediaType => ContentType is null ? "" : ContentType.Split(';', 2)[0].Trim().ToLowerInvariant();

    /// <summary>False when the block does not start with an HTTP status line (dns:, ftp: records…).</summary>
    public static bool IsHttp(ReadOnlySpan<byte> block) => block.StartsWith("HTTP/"u8);

    /// <summary>Parses the status line and headers; null with <paramref name="error"/> when they are malformed.</summary>
    public static HttpPayload? TryParse(ReadOnlySpan<byte> block, out string? error)
    {
        error = null;
        var head = block[..Math.Min(block.Length, 256 * 1024)];
        var crlf = head.IndexOf("\r\n\r\n"u8);
        var lf = (crlf >= 0 ? head[..crlf] : head).IndexOf("\n\n"u8);
        int end, bodyOffset;
        if (lf >= 0) (end, bodyOffset) = (lf, lf + 2);
        else if (crlf >= 0) (end, bodyOffset) = (crlf, crlf + 4);
        else
        {
            error = "HTTP header is not terminated by an empty line";
            return null;
        }

        var headers = block[..end];
        var lineEnd = headers.IndexOf((byte)'\n');
        var statusLine = WarcRecordHeader.TrimCr(lineEnd < 0 ? headers : headers[..lineEnd]);
        var space = statusLine.IndexOf((byte)' ');
        if (space < 0 || statusLine.Length < space + 4 ||
            !Utf8Parser.TryParse(statusLine.Slice(space + 1, 3), out int status, out var used) || used != 3)
        {
            error = $"malformed HTTP status line '{WarcRecordHeader.Printable(statusLine)}'";
            return null;
        }

        string? contentType = null, transfer = null, encoding = null;
        var rest = lineEnd < 0 ? [] : headers[(lineEnd + 1)..];
        while (!rest.IsEmpty)
        {
            var next = rest.IndexOf((byte)'\n');
            var line = WarcRecordHeader.TrimCr(next < 0 ? rest : rest[..next]);
            rest = next < 0 ? [] : rest[(next + 1)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0) continue;
            var name = line[..colon].Trim(" \t"u8);
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (Ascii.EqualsIgnoreCase(name, "Content-Type"u8)) contentType ??= Encoding.Latin1.GetString(value);
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8)) transfer = Encoding.Latin1.GetString(value);
            else if (Ascii.EqualsIgnoreCase(name, "Content-Encoding"u8)) encoding = Encoding.Latin1.GetString(value);
        }
        return new HttpPayload
        {
            Status = status,
            ContentType = contentType,
            TransferEncoding = transfer,
            ContentEncoding = encoding,
            BodyOffset = bodyOffset,
        };
    }

    /// <summary>True for text/html and XHTML, or, without a Content-Type, for a body that starts like an HTML document.</summary>
    public bool IsHtml(ReadOnlySpan<byte> body)
    {
        var media = MediaType;
        if (media is "text/html" or "application/xhtml+xml") return true;
        if (media.Length > 0) return false;
        var start = body[..Math.Min(body.Length, 1024)].TrimStart(" \t\r\n"u8);
        if (start.StartsWith("\uFEFF"u8)) start = start[3..];
        return start.Length > 5 && start[0] == (byte)'<' &&
               (Ascii.EqualsIgnoreCase(start[..Math.Min(start.Length, 14)], "<!doctype html"u8) ||
                Ascii.EqualsIgnoreCase(start[..Math.Min(start.Length, 5)], "<html"u8));
    }

    /// <summary>The entity body as the server meant it; null with <paramref name="error"/> if a coding cannot be undone.</summary>
    public byte[]? DecodeBody(ReadOnlySpan<byte> body, int maxBytes, out string? error)
    {
        error = null;
        byte[] bytes;
        if (TransferEncoding is not null && TransferEncoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            // Crawlers sometimes store the decoded body but keep the header: fall back to the bytes as they are.
            bytes = Dechunk(body) ?? body.ToArray();
        else
            bytes = body.ToArray();

        var coding = ContentEncoding?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(coding) || coding is "identity" or "none") return bytes;
        try
        {
            using var input = new MemoryStream(bytes, writable: false);
            using Stream decoder = coding switch
            {
                "gzip" or "x-gzip" => new GZipStream(input, CompressionMode.Decompress),
                "deflate" => LooksLikeZlib(bytes) ? new ZLibStream(input, CompressionMode.Decompress) : new DeflateStream(input, CompressionMode.Decompress),
                "br" => new BrotliStream(input, CompressionMode.Decompress),
                _ => throw new InvalidDataException($"unsupported Content-Encoding '{ContentEncoding}'"),
            };
            using var output = new MemoryStream();
            var buffer = new byte[16 * 1024];
            int n;
            while ((n = decoder.Read(buffer)) > 0)
            {
                if (output.Length + n > maxBytes) throw new InvalidDataException($"decoded body is larger than {maxBytes} bytes");
                output.Write(buffer, 0, n);
            }
            return output.ToArray();
        }
        catch (InvalidDataException ex)
        {
            error = $"Content-Encoding {ContentEncoding}: {ex.Message}";
            return null;
        }
    }

    private static bool LooksLikeZlib(byte[] bytes) =>
        bytes.Length >= 2 && (bytes[0] & 0x0F) == 8 && ((bytes[0] << 8) | bytes[1]) % 31 == 0;

    /// <summary>Undoes chunked transfer-coding; null when the framing is not valid chunked data.</summary>
    internal static byte[]? Dechunk(ReadOnlySpan<byte> body)
    {
        var output = new byte[body.Length];
        var written = 0;
        while (true)
        {
            var lineEnd = body.IndexOf((byte)'\n');
            if (lineEnd < 0) return written > 0 ? output[..written] : null;   // truncated after whole chunks: keep them
            var sizeField = WarcRecordHeader.TrimCr(body[..lineEnd]);
            var semicolon = sizeField.IndexOf((byte)';');
            if (semicolon >= 0) sizeField = sizeField[..semicolon];
            sizeField = sizeField.Trim(" \t"u8);
            if (!Utf8Parser.TryParse(sizeField, out int size, out var used, 'x') || used != sizeField.Length || size < 0) return null;
            body = body[(lineEnd + 1)..];
            if (size == 0) return output[..written];
            if (size > body.Length)
            {
                body.CopyTo(output.AsSpan(written));   // the record was cut inside a chunk: keep what is there
                return output[..(written + body.Length)];
            }
            body[..size].CopyTo(output.AsSpan(written));
            written += size;
            body = body[size..];
            if (body.StartsWith("\r\n"u8)) body = body[2..];
            else if (body.StartsWith("\n"u8)) body = body[1..];
        }
    }
}
