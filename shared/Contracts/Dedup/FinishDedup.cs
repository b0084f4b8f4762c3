namespace Refinery.Contracts.Dedup;

/// <summary>Command: every partition of a dedup job is linked; merge their edges into clusters.</summary>
public sealed record FinishDedup
{
    public required Guid JobId { get; init; }
}
