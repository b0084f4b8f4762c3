using System.IO.Hashing;
using System.Text;

namespace Refinery.Ingestion.Domain;

/// <summary>Document ids are a hash of where the document was read (source and position), so a rerun gives
/// the same ids and two sources never collide; the source's own id is kept as meta.source_id.</summary>
public static class DocumentIds
{
    public static string Of(string source, long position)
    {
        Span<byte> hash = stackalloc byte[16];
        XxHash128.Hash(Encoding.UTF8.GetBytes($"{source}\n{position}"), hash);
        return Convert.ToHexStringLower(hash);
    }
}
