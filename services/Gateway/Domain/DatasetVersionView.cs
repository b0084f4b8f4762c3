namespace Refinery.Gateway.Domain;

/// <summary>The gateway's read model of one dataset version as the Curation service announced it: done with the
/// counts and manifest of <c>DatasetVersionCreated</c>, or failed with the reason of <c>DatasetVersionFailed</c>.</summary>
public sealed class DatasetVersionView
{
    public string Dataset { get; set; } = "";
    public string Version { get; set; } = "";
    public string Stage { get; set; } = DatasetVersionStages.Done;
    public string? ManifestKey { get; set; }
    public string? ManifestSha256 { get; set; }
    public long ManifestLength { get; set; }
    public long Documents { get; set; }
    public long KeptDocuments { get; set; }
    public long Tokens { get; set; }
    public long ValidationTokens { get; set; }
    public string? Error { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public static class DatasetVersionStages
{
    public const string Done = "done", Failed = "failed";
}
