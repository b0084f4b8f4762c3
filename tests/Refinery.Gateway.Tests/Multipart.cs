using System.Net.Http.Headers;
using System.Text;

namespace Refinery.Gateway.Tests;

/// <summary>Multipart bodies written byte by byte, so a test can send what HttpClient would not: raw UTF-8 in a
/// header, a body cut short, a section without headers.</summary>
public static class Multipart
{
    public const string Boundary = "hostile-boundary-7d1f";

    /// <summary>Each part: its field name, its file name (null for a field) and its bytes; closed by the final boundary.</summary>
    public static byte[] Body(params (string Field, string? FileName, byte[] Bytes)[] parts)
    {
        using var body = new MemoryStream();
        foreach (var (field, fileName, bytes) in parts)
        {
            var disposition = fileName is null ? $"form-data; name=\"{field}\"" : $"form-data; name=\"{field}\"; filename=\"{fileName}\"";
            Write(body, $"--{Boundary}\r\nContent-Disposition: {disposition}\r\n\r\n");
            body.Write(bytes);
            Write(body, "\r\n");
        }
        Write(body, $"--{Boundary}--\r\n");
        return body.ToArray();
    }

    /// <summary>A name field and one file whose name is sent as filename*=UTF-8''… (percent-encoded bytes).</summary>
    public static byte[] BodyWithEncodedFileName(string name, byte[] fileName)
    {
        var encoded = string.Concat(fileName.Select(b => $"%{b:X2}"));
        using var body = new MemoryStream();
        body.Write(Body(("name", null, Encoding.UTF8.GetBytes(name)))[..^(Boundary.Length + 6)]);
        Write(body, $"--{Boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename*=UTF-8''{encoded}\r\n\r\n{{}}\n\r\n--{Boundary}--\r\n");
        return body.ToArray();
    }

    public static ByteArrayContent Content(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={Boundary}");
        return content;
    }

    /// <summary>The hostile strings as the bytes a form sends, plus bytes that are not UTF-8 at all.</summary>
    public static IEnumerable<byte[]> HostileTexts()
    {
        string[] texts = ["", " ", "a\n", "a\r", "\u202Eexe.txt", "a\u200Bb", "\uFEFFa", "ü.jsonl", "日本語.jsonl", new string('a', 10 * 1024),
            new string('ü', 150), "../x", "a/../b", "..", "/etc/passwd", "C:\\x", "a\0b", "x\"y", "a;b=c", "%2e%2e", "0.1", "-1", "NaN", "1e308"];
        foreach (var text in texts) yield return Encoding.UTF8.GetBytes(text);
        yield return [0xED, 0xA0, 0x80]; // a lone surrogate's bytes
        yield return [0xFF, 0xFE, 0x41];
    }

    /// <summary>Whether no name, file name or option may be <paramref name="value"/>: not UTF-8, or holding a control or
    /// format character.</summary>
    public static bool NeverAName(byte[] value)
    {
        try
        {
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(value);
            return text.Any(c => char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Control or System.Globalization.UnicodeCategory.Format);
        }
        catch (DecoderFallbackException)
        {
            return true;
        }
    }

    private static void Write(Stream stream, string text) => stream.Write(Encoding.UTF8.GetBytes(text));
}
