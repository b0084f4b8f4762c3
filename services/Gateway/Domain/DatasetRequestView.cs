namespace Refinery.Gateway.Domain;

/// <summary>The gateway's read model of one dataset request (a version or a mixture) by the id the gateway gave it:
/// requested until the Curation service answers it with the version (done, with its manifest) or a reason (failed).
/// The version is a hash of inputs only the service reads, so the request id is what a client can poll at once.</summary>
public sealed class DatasetRequestView
{
    public Guid Id { get; set; }
    public string Dataset { get; set; } = "";
    public string Kind { get; set; } = DatasetRequestKinds.Version;
    public string Stage { get; set; } = DatasetRequestStages.Requested;
    public string? Version { get; set; }
    public string? ManifestKey { get; set; }
    public string? ManifestSha256 { get; set; }
    public long ManifestLength { get; set; }
    public string? Error { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public static class DatasetRequestStages
{
    public const string Requested = "requested", Done = "done", Failed = "failed";
}

public static class DatasetRequestKinds
{
    public const string Version = "version", Mixture = "mixture";
}
