using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Refinery.Storage;

/// <summary>AWS Signature Version 4 for the few bucket requests the Minio client cannot send correctly.</summary>
/// <remarks>Minio 7.0.0 drops <c>DaysAfterInitiation</c> when it serializes a lifecycle rule (the property is
/// internal, so its XmlSerializer never sees it), so the lifecycle configuration is sent by hand.</remarks>
internal static class S3Signature
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string EmptyPayloadSha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>The Authorization header value. <paramref name="headers"/> are the signed headers (host included),
    /// <paramref name="canonicalQuery"/> is already in canonical form (sorted, encoded, <c>name=value</c>).</summary>
    public static string Authorize(string method, string canonicalUri, string canonicalQuery,
        IEnumerable<KeyValuePair<string, string>> headers, string payloadSha256, DateTimeOffset time,
        string region, string accessKey, string secretKey)
    {
        var sorted = headers
            .Select(h => (Name: h.Key.Trim().ToLowerInvariant(), Value: string.Join(' ', h.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))))
            .OrderBy(h => h.Name, StringComparer.Ordinal)
            .ToList();
        var signedHeaders = string.Join(';', sorted.Select(h => h.Name));
        var canonicalRequest = string.Join('\n',
            method, canonicalUri, canonicalQuery,
            string.Concat(sorted.Select(h => h.Name + ":" + h.Value + "\n")),
            signedHeaders, payloadSha256);

        var date = time.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var scope = $"{date}/{region}/s3/aws4_request";
        var stringToSign = string.Join('\n', Algorithm, AmzDate(time), scope, Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));

        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretKey), date);
        key = Hmac(key, region);
        key = Hmac(key, "s3");
        key = Hmac(key, "aws4_request");
        var signature = Hex(Hmac(key, stringToSign));
        return $"{Algorithm} Credential={accessKey}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
    }

    /// <summary>The <c>x-amz-date</c> form of a time: <c>yyyyMMddTHHmmssZ</c> in UTC.</summary>
    public static string AmzDate(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
}
