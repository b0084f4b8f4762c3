using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;

namespace Refinery.Storage;

/// <summary>Reads and writes a bucket's lifecycle configuration with signed requests of its own (see
/// <see cref="S3Signature"/> for why not through Minio).</summary>
internal sealed class S3BucketLifecycle(HttpClient http, Uri endpoint, string bucket, string region, string accessKey, string secretKey)
{
    /// <summary>The ID of the rule this store adds, so an operator can tell it from their own.</summary>
    public const string AbortRuleId = "refinery-abort-incomplete-uploads";

    private static readonly XNamespace S3 = "http://s3.amazonaws.com/doc/2006-03-01/";

    /// <summary>What a server without lifecycle support is taken to have: a configuration with no rules, which this
    /// store must not try to replace.</summary>
    private static XDocument NoConfiguration => new(new XElement(S3 + "LifecycleConfiguration"));

    /// <summary>The lifecycle configuration as XML, or null when the bucket has none.</summary>
    public async Task<XDocument?> GetAsync(CancellationToken ct)
    {
        using var request = Signed(HttpMethod.Get, []);
        using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound && body.Contains("NoSuchLifecycleConfiguration", StringComparison.Ordinal))
            return null;
        if (response.StatusCode == HttpStatusCode.NotImplemented) return NoConfiguration;
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"Reading the lifecycle of S3 bucket '{bucket}' failed: {(int)response.StatusCode} {Trim(body)}");
        return XDocument.Parse(body);
    }

    /// <summary>Replaces the bucket's lifecycle configuration with one rule: abort multipart uploads left
    /// incomplete for <paramref name="days"/> days, over the whole bucket. False when the server has no lifecycle
    /// support (501, as some S3 test doubles answer).</summary>
    public async Task<bool> PutAbortRuleAsync(int days, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        var xml = new XDocument(new XElement(S3 + "LifecycleConfiguration",
            new XElement(S3 + "Rule",
                new XElement(S3 + "ID", AbortRuleId),
                new XElement(S3 + "Filter", new XElement(S3 + "Prefix", "")),
                new XElement(S3 + "Status", "Enabled"),
                new XElement(S3 + "AbortIncompleteMultipartUpload",
                    new XElement(S3 + "DaysAfterInitiation", days.ToString(CultureInfo.InvariantCulture))))));
        var body = Encoding.UTF8.GetBytes(xml.ToString(SaveOptions.DisableFormatting));
        using var request = Signed(HttpMethod.Put, body);
        using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotImplemented) return false;
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException(
                $"Setting the lifecycle of S3 bucket '{bucket}' failed: {(int)response.StatusCode} {Trim(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false))}");
        return true;
    }

    /// <summary>Days after which an enabled whole-bucket rule aborts incomplete uploads, or null when no rule does.</summary>
    public static int? AbortDays(XDocument? configuration)
    {
        if (configuration?.Root is null) return null;
        int? best = null;
        foreach (var rule in configuration.Root.Elements().Where(e => e.Name.LocalName == "Rule"))
        {
            if (Child(rule, "Status")?.Value != "Enabled") continue;
            // A rule limited to a prefix or tag does not cover every upload.
            var filter = Child(rule, "Filter");
            if (filter is not null && filter.Elements().Any(e => e.Name.LocalName != "Prefix" || e.Value.Length > 0)) continue;
            if (Child(rule, "Prefix") is { Value.Length: > 0 }) continue;
            var days = Child(Child(rule, "AbortIncompleteMultipartUpload"), "DaysAfterInitiation")?.Value;
            if (int.TryParse(days, NumberStyles.None, CultureInfo.InvariantCulture, out var d) && d > 0)
                best = best is null ? d : Math.Min(best.Value, d);
        }
        return best;
    }

    private static XElement? Child(XElement? parent, string name) => parent?.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    private HttpRequestMessage Signed(HttpMethod method, byte[] body)
    {
        var uri = new Uri(endpoint, Uri.EscapeDataString(bucket) + "?lifecycle");
        var payloadSha256 = S3Signature.Hex(SHA256.HashData(body));
        var now = DateTimeOffset.UtcNow;
        var headers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = uri.Authority,
            ["x-amz-content-sha256"] = payloadSha256,
            ["x-amz-date"] = S3Signature.AmzDate(now),
        };
        // S3 requires an integrity header on a lifecycle PUT; Content-MD5 is the one every server accepts.
#pragma warning disable CA5351 // MD5 here is S3's transfer checksum, not a security measure
        if (method == HttpMethod.Put) headers["content-md5"] = Convert.ToBase64String(MD5.HashData(body));
#pragma warning restore CA5351

        var request = new HttpRequestMessage(method, uri);
        request.Headers.TryAddWithoutValidation("x-amz-content-sha256", payloadSha256);
        request.Headers.TryAddWithoutValidation("x-amz-date", headers["x-amz-date"]);
        request.Headers.TryAddWithoutValidation("Authorization",
            S3Signature.Authorize(method.Method, "/" + Uri.EscapeDataString(bucket), "lifecycle=", headers, payloadSha256, now, region, accessKey, secretKey));
        if (method == HttpMethod.Put)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.TryAddWithoutValidation("Content-MD5", headers["content-md5"]);
            request.Content.Headers.ContentType = new("application/xml");
        }
        return request;
    }

    private static string Trim(string body) => body.Length <= 300 ? body : body[..300];
}
