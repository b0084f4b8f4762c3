using Microsoft.Extensions.Logging;
using Refinery.Contracts.Ingestion;
using Refinery.Storage;

namespace Refinery.Gateway.Uploads;

/// <summary>One upload request's file parts, staged under the request's own prefix (hashed as they stream) until the
/// request is validated and its corpus name claimed, then promoted to their raw keys. Disposing it deletes every
/// staged object, whatever the outcome, so a refused request leaves nothing behind; a gateway that dies mid-request
/// leaves its parts to <see cref="UploadStagingSweepRule"/>.</summary>
public sealed class UploadStaging(IObjectStore store, TimeProvider clock, ILogger logger) : IAsyncDisposable
{
    private readonly string _prefix = IngestionKeys.UploadStagingPrefix(clock.GetUtcNow(), Guid.NewGuid());
    private readonly List<string> _written = [];
    private readonly List<StagedPart> _parts = [];
    private readonly List<string> _promoted = [];

    /// <summary>The parts staged so far, in request order.</summary>
    public IReadOnlyList<StagedPart> Parts => _parts;

    /// <summary>Streams <paramref name="content"/> to a staging key, to be promoted to <paramref name="rawKey"/>.</summary>
    public async Task<StagedPart> StageAsync(string rawKey, Stream content, CancellationToken ct)
    {
        var key = IngestionKeys.UploadStaging(_prefix, _written.Count);
        _written.Add(key); // before the put: a put cut short by a refusal must still be cleaned up
        var stored = await store.PutAsync(key, content, ct);
        var part = new StagedPart(key, rawKey, stored.Sha256, stored.Length);
        _parts.Add(part);
        return part;
    }

    /// <summary>Copies every staged part to its raw key. Called only once the request holds its corpus name, so no
    /// raw object of another corpus, or of this one with other content, is ever replaced.</summary>
    public async Task PromoteAsync(CancellationToken ct)
    {
        foreach (var part in _parts)
        {
            _promoted.Add(part.RawKey); // before the copy, as for a put
            await store.CopyAsync(part.StagingKey, part.RawKey, ct);
        }
    }

    /// <summary>Deletes the raw objects <see cref="PromoteAsync"/> wrote, when the submission could not be handed on
    /// after all (the bus would not take its command): a refused request leaves no sources behind. A retry of the same
    /// content promotes them again.</summary>
    public async Task WithdrawAsync()
    {
        foreach (var key in _promoted) await DeleteQuietlyAsync(key);
        _promoted.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var key in _written) await DeleteQuietlyAsync(key);
    }

    private async Task DeleteQuietlyAsync(string key)
    {
        try
        {
            await store.DeleteAsync(key, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // A staged part is left to the staging sweep; the request's answer does not depend on it.
            logger.LogWarning(ex, "Could not delete upload object {Key}", key);
        }
    }
}

/// <summary>A staged file part: where it is, where it goes, and its content's hash and length.</summary>
public sealed record StagedPart(string StagingKey, string RawKey, string Sha256, long Length);
