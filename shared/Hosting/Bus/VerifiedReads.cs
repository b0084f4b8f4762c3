using Refinery.Contracts;
using Refinery.Storage;

namespace Refinery.Hosting.Bus;

/// <summary>Reading an object a job recorded, checked against the length and sha256 recorded for it, so an object
/// rewritten or half-written since is detected instead of consumed. A mismatch or a missing object is permanent
/// (retrying reads the same bytes).</summary>
public static class VerifiedReads
{
    /// <summary>The object's bytes, seekable (as Parquet needs), after the check.</summary>
    public static async Task<MemoryStream> ReadVerifiedAsync(this IObjectStore store, ObjectRef expected, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        string sha256;
        long length;
        try
        {
            await using var stream = new VerifyingStream(await store.OpenReadAsync(expected.Key, ct));
            await stream.CopyToAsync(buffer, ct);
            (sha256, length) = (await stream.FinishAsync(ct), stream.BytesRead);
        }
        catch (ObjectNotFoundException ex)
        {
            throw new PermanentFailureException($"{expected.Key} no longer exists", ex);
        }
        if (length != expected.Length || !string.Equals(sha256, expected.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new PermanentFailureException($"{expected.Key} is not the object recorded: {length} bytes with sha256 {sha256}, " +
                                                $"expected {expected.Length} bytes with sha256 {expected.Sha256}");
        buffer.Position = 0;
        return buffer;
    }
}
