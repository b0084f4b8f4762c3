using System.Text;
using System.Text.RegularExpressions;

namespace Refinery.Ingestion.Text;

/// <summary>Finds the character encoding of an HTML payload (BOM, HTTP header, &lt;meta&gt;, else UTF-8) and decodes it.</summary>
public static partial class HtmlEncoding
{
    /// <summary>How far into the payload a &lt;meta charset&gt; is looked for, as browsers do (they use 1024; pages in the wild need more).</summary>
    public const int MetaSniffBytes = 4096;

    static HtmlEncoding() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Decodes an HTML payload. <paramref name="httpCharset"/> is the charset parameter of the HTTP Content-Type, if any.
    /// <paramref name="invalid"/> counts invalid sequences replaced when the payload is decoded as UTF-8.</summary>
    public static string Decode(ReadOnlySpan<byte> payload, string? httpCharset, out int invalid, out string charset)
    {
        invalid = 0;
        if (payload.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            charset = "utf-8";
            return Utf8Text.Decode(payload[3..], out invalid);
        }
        if (payload.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            charset = "utf-16le";
            return Encoding.Unicode.GetString(payload[2..]);
        }
        if (payload.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            charset = "utf-16be";
            return Encoding.BigEndianUnicode.GetString(payload[2..]);
        }

        var encoding = Resolve(httpCharset);
        if (encoding is null)
        {
            var sniffed = SniffMetaCharset(payload[..Math.Min(payload.Length, MetaSniffBytes)]);
            encoding = Resolve(sniffed);
            // A document that could be read as ASCII cannot declare itself UTF-16 in a meta tag (WHATWG rule).
            if (encoding is UnicodeEncoding) encoding = null;
        }
        encoding ??= Encoding.UTF8;
        charset = encoding.WebName;
        return encoding is UTF8Encoding ? Utf8Text.Decode(payload, out invalid) : encoding.GetString(payload);
    }

    /// <summary>The charset parameter of a Content-Type value (<c>text/html; charset=gb2312</c> gives gb2312), or null.</summary>
    public static string? CharsetFromContentType(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType)) return null;
        var match = ContentTypeCharset().Match(contentType);
        return match.Success ? match.Groups[1].Value : null;
    }

    /// <summary>The charset a &lt;meta charset&gt; or &lt;meta http-equiv content&gt; tag in <paramref name="head"/> declares, or null.</summary>
    public static string? SniffMetaCharset(ReadOnlySpan<byte> head)
    {
        if (head.IndexOf("<meta"u8) < 0 && head.IndexOf("<META"u8) < 0 && head.IndexOf("<Meta"u8) < 0) return null;
        var match = MetaCharset().Match(Encoding.Latin1.GetString(head));
        return match.Success ? match.Groups[1].Value : null;
    }

    /// <summary>The encoding a charset label names, with the aliases browsers apply (latin1 → windows-1252, gb2312 → GB18030); null if unknown.</summary>
    public static Encoding? Resolve(string? label)
    {
        if (string.IsNullOrWhiteSpace(label)) return null;
        var name = label.Trim().Trim('"', '\'').ToLowerInvariant();
        name = name switch
        {
            "utf8" or "unicode-1-1-utf-8" or "x-unicode20utf8" => "utf-8",
            "iso-8859-1" or "iso8859-1" or "latin1" or "l1" or "us-ascii" or "ascii" or "iso_8859-1" or "cp1252" => "windows-1252",
            "gb2312" or "gbk" or "x-gbk" or "gb_2312-80" or "chinese" or "csgb2312" => "gb18030",
            "x-sjis" or "sjis" or "ms_kanji" or "windows-31j" => "shift_jis",
            "tis-620" or "iso-8859-11" => "windows-874",
            "ks_c_5601-1987" or "euc-kr" or "windows-949" => "ks_c_5601-1987",
            "win-1251" or "cp1251" => "windows-1251",
            _ => name,
        };
        try
        {
            return Encoding.GetEncoding(name);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    [GeneratedRegex("""charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ContentTypeCharset();

    [GeneratedRegex("""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MetaCharset();
}
