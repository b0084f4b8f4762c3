using System.Security.Cryptography;
using System.Text;
using Refinery.Contracts.Names;

namespace Refinery.Contracts.Ingestion;

/// <summary>Corpus names are the user's handle and part of object keys; the id is derived from the name,
/// so submitting the same corpus twice names the same catalog row and the same shards.</summary>
public static class CorpusNames
{
    public const int MaxLength = 64;

    /// <summary>Null when acceptable, else why not (<see cref="NameRules.Corpus"/>).</summary>
    public static string? Problem(string? name) => NameRules.Corpus.Problem(name);

    /// <summary>A name-based UUID (SHA-256 of a fixed namespace and the name, version bits set to 8: custom).</summary>
    public static Guid IdOf(string name)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes("refinery/corpus/" + name), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
