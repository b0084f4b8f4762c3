using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Refinery.Gateway.Auth;

/// <summary>Short-lived read tickets for clients that cannot send headers (a browser's EventSource on /api/events):
/// a key holder asks for one, then passes it as <c>?ticket=</c> on GET requests. A ticket is signed, not stored:
/// its expiry and the key's fingerprint, with an HMAC whose secret is derived from the configured keys, so every
/// gateway process with the same keys accepts it, and changing the keys revokes every ticket. It only ever reads.</summary>
public sealed class ReadTickets
{
    public const string QueryName = "ticket";
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(5);

    private const int PayloadBytes = 8 + 4;
    private readonly byte[] _secret;
    private readonly TimeProvider _clock;

    public ReadTickets(ApiKeyRing keys, TimeProvider clock)
    {
        _clock = clock;
        var material = string.Join("\n", keys.Digests);
        // No keys: nothing needs a ticket, but one must still not be forgeable, so the secret is this process's own.
        _secret = material.Length == 0
            ? RandomNumberGenerator.GetBytes(32)
            : HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(material), 32, info: "refinery read ticket v1"u8.ToArray());
    }

    /// <summary>A ticket for the key <paramref name="fingerprint"/> ("key-1a2b3c4d"), valid for <paramref name="lifetime"/>.</summary>
    public (string Ticket, DateTimeOffset ExpiresAt) Issue(string fingerprint, TimeSpan lifetime)
    {
        var expires = _clock.GetUtcNow() + lifetime;
        var payload = new byte[PayloadBytes];
        BinaryPrimitives.WriteInt64BigEndian(payload, expires.ToUnixTimeSeconds());
        Convert.FromHexString(fingerprint.AsSpan("key-".Length)).CopyTo(payload.AsSpan(8));
        var ticket = WebEncoders.Base64UrlEncode(payload) + "." + WebEncoders.Base64UrlEncode(Sign(payload));
        return (ticket, DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()));
    }

    /// <summary>The fingerprint of the key a valid, unexpired ticket was issued for; null for any other text.</summary>
    public string? Verify(string ticket)
    {
        if (ticket.Length > 128 || ticket.Split('.') is not [var payloadText, var signatureText]) return null;
        byte[] payload, signature;
        try
        {
            (payload, signature) = (WebEncoders.Base64UrlDecode(payloadText), WebEncoders.Base64UrlDecode(signatureText));
        }
        catch (FormatException)
        {
            return null;
        }
        if (payload.Length != PayloadBytes || !CryptographicOperations.FixedTimeEquals(signature, Sign(payload))) return null;
        var expires = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(payload));
        return expires > _clock.GetUtcNow() ? "key-" + Convert.ToHexStringLower(payload.AsSpan(8)) : null;
    }

    private byte[] Sign(byte[] payload) => HMACSHA256.HashData(_secret, payload);
}
