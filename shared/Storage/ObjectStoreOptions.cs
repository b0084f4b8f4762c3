namespace Refinery.Storage;

/// <summary>Settings of the S3 object store (section Refinery:S3). Secrets come from configuration only.</summary>
public sealed class S3Options
{
    public const string SectionName = "Refinery:S3";

    /// <summary><c>host:port</c> (or <c>http(s)://host:port</c>; a scheme given here wins over <see cref="UseSsl"/>).</summary>
    public string Endpoint { get; set; } = "127.0.0.1:9000";
    public string AccessKey { get; set; } = "";
    public string SecretKey { get; set; } = "";
    public string Bucket { get; set; } = "refinery";
    public bool UseSsl { get; set; }
    public string Region { get; set; } = "us-east-1";

    /// <summary>
    /// Folder where uploads are spooled (hashed and sized) before they are sent; null means the process's scratch folder (<see cref="ScratchSpace"/>).
    /// It needs room for the largest object being uploaded concurrently.
    /// </summary>
    public string? SpoolDirectory { get; set; }

    /// <summary>
    /// Days after which the bucket's lifecycle rule aborts an incomplete multipart upload (set when the store creates
    /// the bucket, or finds it without any lifecycle configuration). A killed upload's parts are billed but never
    /// listed, so no sweep can reach them.
    /// </summary>
    public int AbortIncompleteUploadsAfterDays { get; set; } = 1;
}
