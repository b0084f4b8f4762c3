using System.Buffers;
using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace Refinery.Ingestion.Domain;

/// <summary>Document ids are a hash of where the document was read (source and position), so a rerun gives
/// the same ids and two sources never collide; the source's own id is kept as meta.source_id.</summary>
public static class DocumentIds
{
    public static string Of(string source, long position)
    {
        // The hash of the UTF-8 of "{source}\n{position}", encoded without building the string (once a document).
        var length = Encoding.UTF8.GetMaxByteCount(source.Length) + 1 + 20;
        var rented = length <= 512 ? null : ArrayPool<byte>.Shared.Rent(length);
        Span<byte> utf8 = rented ?? stackalloc byte[512];
        var written = Encoding.UTF8.GetBytes(source, utf8);
        utf8[written++] = (byte)'\n';
        position.TryFormat(utf8[written..], out var digits, default, CultureInfo.InvariantCulture);
        Span<byte> hash = stackalloc byte[16];
        XxHash128.Hash(utf8[..(written + digits)], hash);
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        return Convert.ToHexStringLower(hash);
    }
}
