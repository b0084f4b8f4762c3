namespace Refinery.Storage;

/// <summary>Settings of the S3 object store (section Refinery:S3). Secrets come from configuration only.</summary>
public sealed class S3Options
{
    public const string SectionName = "Refinery:S3";
    public string Endpoint { get; set; } = "127.0.0.1:9000";
    public string AccessKey { get; set; } = "";
    public string SecretKey { get; set; } = "";
    public string Bucket { get; set; } = "refinery";
    public bool UseSsl { get; set; }
    public string Region { get; set; } = "us-east-1";
    /// <summary>Objects larger than this are uploaded in parts.</summary>
    public long PartSize { get; set; } = 16L * 1024 * 1024;
}
