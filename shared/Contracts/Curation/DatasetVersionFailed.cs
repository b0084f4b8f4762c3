namespace Refinery.Contracts.Curation;

/// <summary>Event: a step of a dataset version failed for good (a part, a ranking round or the finish), with the
/// reason, or its request was refused before the version had a name (step "request", <see cref="Version"/> empty).
/// The version stays unfinished; the same request again retries what is missing.</summary>
public sealed record DatasetVersionFailed
{
    public required string Dataset { get; init; }
    /// <summary>The version, or empty when the request failed before naming one.</summary>
    public required string Version { get; init; }
    /// <summary>The step that failed ("request", "part 3", "ranking round 1", "finish"); empty from a publisher older than the field.</summary>
    public string Step { get; init; } = "";
    public required string Reason { get; init; }
    /// <summary>The <c>RequestId</c> of the request this answers, when it named one.</summary>
    public Guid? RequestId { get; init; }
}
