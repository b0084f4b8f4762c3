namespace Refinery.Contracts;

/// <summary>A claim-check reference to one object in the shared object store.</summary>
public sealed record ObjectRef
{
    public required string Bucket { get; init; }
    public required string Key { get; init; }
    public required string Sha256 { get; init; }
    public required long Length { get; init; }
}
