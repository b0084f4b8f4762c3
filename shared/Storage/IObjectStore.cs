using Refinery.Contracts;

namespace Refinery.Storage;

/// <summary>The shared object store: one bucket, keys by area (DESIGN §6). Implementations validate every key.</summary>
public interface IObjectStore
{
    string Bucket { get; }

    /// <summary>Streams <paramref name="content"/> to <paramref name="key"/>, replacing any object there; returns its sha256 and length.</summary>
    Task<ObjectRef> PutAsync(string key, Stream content, CancellationToken ct = default);

    /// <summary>Opens an object for streaming reads; throws <see cref="ObjectNotFoundException"/> when absent.</summary>
    Task<Stream> OpenReadAsync(string key, CancellationToken ct = default);

    /// <summary>The object's metadata, or null when absent.</summary>
    Task<ObjectInfo?> StatAsync(string key, CancellationToken ct = default);

    /// <summary>Every object whose key starts with <paramref name="prefix"/>, in ordinal key order.</summary>
    IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken ct = default);

    /// <summary>Deletes an object; returns false when there was none.</summary>
    Task<bool> DeleteAsync(string key, CancellationToken ct = default);

    /// <summary>Copies an object inside the bucket, keeping its sha256.</summary>
    Task<ObjectRef> CopyAsync(string sourceKey, string destinationKey, CancellationToken ct = default);
}

/// <summary>What the store knows of one object.</summary>
public sealed record ObjectInfo(string Key, long Length, string? Sha256, DateTimeOffset LastModified);

/// <summary>Thrown when a key names no object.</summary>
public sealed class ObjectNotFoundException(string key) : Exception($"Object '{key}' does not exist")
{
    public string Key { get; } = key;
}
