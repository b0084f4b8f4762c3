namespace Refinery.Contracts.Curation;

/// <summary>Event: a dataset version is complete: <c>datasets/{dataset}/{version}/manifest.json</c> lists every part
/// with its sha256 and size, beside <c>datasheet.md</c> and <c>stats.json</c>.</summary>
public sealed record DatasetVersionCreated
{
    public required string Dataset { get; init; }
    public required string Version { get; init; }
    public required ObjectRef Manifest { get; init; }
    public required long Documents { get; init; }
    public required long KeptDocuments { get; init; }
    public required long Tokens { get; init; }
    public required long ValidationTokens { get; init; }
    /// <summary>The <c>RequestId</c> of the request this answers, when it named one.</summary>
    public Guid? RequestId { get; init; }
}
