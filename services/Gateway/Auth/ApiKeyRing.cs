using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Refinery.Gateway.Options;

namespace Refinery.Gateway.Auth;

/// <summary>The configured keys, held only as SHA-256 digests. A presented key is hashed and compared with every
/// digest in constant time, so neither the comparison nor which key matched shows in the timing.</summary>
public sealed class ApiKeyRing
{
    private readonly (byte[] Digest, string Role)[] _keys;

    public ApiKeyRing(IOptions<ApiKeysOptions> options) =>
        _keys = options.Value.Keys
            .Where(k => !string.IsNullOrEmpty(k.Key) && k.Role is not null)
            .Select(k => (Digest(k.Key), ApiKeyRoles.NameOf(k.Role!.Value)))
            .ToArray();

    public bool IsEmpty => _keys.Length == 0;

    /// <summary>Every configured key's digest, as hex, in order: material for secrets derived from the keys (read
    /// tickets), the same in every process configured with the same keys.</summary>
    public IEnumerable<string> Digests => _keys.Select(k => Convert.ToHexString(k.Digest)).Order(StringComparer.Ordinal);

    /// <summary>The role of <paramref name="presented"/>, or null when it matches no configured key.</summary>
    public string? RoleOf(string presented)
    {
        var digest = Digest(presented);
        string? role = null;
        foreach (var (candidate, candidateRole) in _keys)
        {
            // No early exit: every digest is compared whatever matched before.
            if (CryptographicOperations.FixedTimeEquals(digest, candidate) && role is null) role = candidateRole;
        }
        return role;
    }

    /// <summary>A short, non-reversible name of a key for logs and audit ("key-1a2b3c4d"); never the key itself.</summary>
    public static string Fingerprint(string key) => "key-" + Convert.ToHexStringLower(Digest(key).AsSpan(0, 4));

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
